"""Applying in the browser: every catch of a far, no-allowance, short case is on its page before
applying; one click applies and the timeline shows who did each step and when."""

import datetime
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from jobs import workflow
from jobs.models import Application, Job, Status
from jobs.views.public import FACETS_KEY
from tests.factories import RegistrantFactory, StaffFactory
from tests.registrants.conftest import ensure_taxonomy, give_experience, log_in, make_job

START = datetime.date(2027, 1, 4)


@pytest.fixture(autouse=True)
def _taxonomy(transactional_db):
    ensure_taxonomy()
    cache.delete(FACETS_KEY)


def test_the_catches_of_a_far_no_allowance_short_case_are_shown_before_applying(page):
    registrant = RegistrantFactory(
        postal_code="150-0002", max_commute_minutes=45, contract_months_min=6, min_hourly_wage=1500
    )
    give_experience(registrant, journal_entry=24)
    job = make_job(
        title="経理事務（短期・遠方）",
        hourly_wage=1550,
        transport_allowance=Job.TransportAllowance.NONE,
        postal_code="320-0806",
        prefecture="栃木県",
        city="宇都宮市",
        start=START,
        end=START + datetime.timedelta(days=59),
        employment_contract_days=60,
        required={"journal_entry": 12},
    )
    log_in(page, registrant.user)

    page.goto(f"{page.base_url}/jobs/{job.pk}/")

    caveats = page.get_by_test_id("caveats").locator("li")
    expect(caveats).to_have_text(
        [
            "交通費の支給がありません。",
            "通勤は約 204 分で、希望の 45 分より長くなります。",
            "契約期間は 2 か月で、希望の 6 か月より短いです。",
        ]
    )
    expect(page.get_by_role("button", name="応募する")).to_be_visible()
    assert Application.objects.count() == 0


def test_apply_then_follow_the_timeline(page):
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎")
    registrant = RegistrantFactory(postal_code="150-0002", min_hourly_wage=1500)
    give_experience(registrant, journal_entry=24)
    job = make_job(title="経理事務（仕訳入力）", case_sales=rep, required={"journal_entry": 12})
    log_in(page, registrant.user)
    page.goto(f"{page.base_url}/jobs/{job.pk}/")
    expect(page.get_by_test_id("next-steps").first).to_contain_text("社内選考")

    page.get_by_role("button", name="応募する").click()

    panel = page.get_by_test_id("apply-panel")
    expect(panel.locator(".message")).to_have_text("応募しました。このあとの流れは次のとおりです。")
    expect(page).to_have_url(re.compile(rf"/jobs/{job.pk}/$"))  # swapped in place
    application = Application.objects.get()
    assert (application.registrant, application.status) == (registrant, Status.APPLIED)

    panel.get_by_role("link", name="応募の経過をすべて見る").click()
    expect(page.get_by_test_id("status")).to_have_text("応募済み")
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(1)
    expect(page.get_by_test_id("timeline").locator("li").first).to_contain_text("あなた")

    workflow.transition(application, Status.SCREENING, by=rep, note="職務経歴を確認しています")
    page.reload()

    steps = page.get_by_test_id("timeline").locator("li")
    expect(steps).to_have_count(2)
    expect(steps.nth(1)).to_contain_text("社内選考中")
    expect(steps.nth(1)).to_contain_text("営業 太郎")
    expect(steps.nth(1)).to_contain_text("職務経歴を確認しています")

    page.get_by_text("応募を取り下げる").click()
    page.get_by_role("button", name="取り下げる").click()
    expect(page.locator("#id_withdraw-reason_error")).to_have_text("理由を入力してください。")
    page.get_by_label("理由").fill("他で決まりました")
    page.get_by_role("button", name="取り下げる").click()
    expect(page.get_by_test_id("status")).to_have_text("取り下げ")
    expect(steps).to_have_count(3)
    application.refresh_from_db()
    assert (application.status, application.stop_reason) == (Status.WITHDRAWN, "他で決まりました")
