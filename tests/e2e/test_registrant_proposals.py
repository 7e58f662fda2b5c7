"""Proposals in the browser: the registrant reads coverage, reasons and caveats, then says “I want
to apply” to one and declines another with a reason."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from jobs import workflow
from jobs.models import Status
from jobs.views.public import FACETS_KEY
from registrants.models import Dismissal
from staffing.models import AgencySettings
from tests.factories import RegistrantFactory, StaffFactory
from tests.registrants.conftest import ensure_taxonomy, give_experience, log_in, make_job


@pytest.fixture(autouse=True)
def _taxonomy(transactional_db):
    ensure_taxonomy()
    cache.delete(FACETS_KEY)
    AgencySettings.objects.update_or_create(pk=1, defaults={"uses_coordinators": True})


def test_accept_one_proposal_and_decline_another(page):
    coordinator = StaffFactory(is_coordinator=True, display_name="調整 花子")
    registrant = RegistrantFactory(postal_code="150-0002", min_hourly_wage=1500)
    give_experience(registrant, journal_entry=24, accounts_receivable=12)
    wanted = make_job(
        title="経理事務（仕訳・売掛金）",
        required={"journal_entry": 12, "accounts_receivable": 24},
    )
    unwanted = make_job(title="経理補助（短時間）", hourly_wage=1300, required={"journal_entry": 6})
    proposals = {
        job.title: workflow.start(
            job=job,
            registrant=registrant,
            status=Status.PROPOSED,
            by=coordinator,
            proposed_by=coordinator,
            proposal_message="ご経験が活かせます。",
        )
        for job in (wanted, unwanted)
    }
    log_in(page, registrant.user)

    page.goto(page.base_url + "/me/")
    page.get_by_role("link", name="提案", exact=True).click()
    expect(page.get_by_test_id("proposal-card")).to_have_count(2)
    page.get_by_test_id("proposal-card").filter(has_text="経理事務（仕訳・売掛金）").get_by_role(
        "link", name="提案を見て回答する"
    ).click()

    expect(page.get_by_test_id("duties").locator("tr.not-covered")).to_contain_text("売掛金管理")
    expect(page.get_by_test_id("caveats")).to_contain_text(
        "売掛金管理：必要な 24 か月に対し経験は 12 か月です。"
    )
    expect(page.get_by_test_id("fit")).to_contain_text("この点数の理由")
    page.get_by_role("button", name="応募したい").click()
    expect(page.get_by_test_id("answer").get_by_test_id("status")).to_have_text("応募済み")

    page.goto(page.base_url + "/me/proposals/")
    expect(page.get_by_test_id("proposal-card")).to_have_count(1)
    page.get_by_role("link", name="提案を見て回答する").click()
    expect(page.get_by_test_id("caveats")).to_contain_text(
        "時給 1,300 円は希望の 1,500 円を下回ります。"
    )
    page.get_by_text("辞退する", exact=True).click()
    page.get_by_label("理由").select_option("pay")
    page.get_by_label("補足（任意）").fill("時給1,500円以上を希望")
    page.get_by_role("button", name="この提案を辞退する").click()
    expect(page.get_by_test_id("answer").locator(".message")).to_have_text(
        "提案を辞退しました。この案件が再び提案されることはありません。"
    )

    for proposal in proposals.values():
        proposal.refresh_from_db()
    assert proposals["経理事務（仕訳・売掛金）"].status == Status.APPLIED
    assert (
        proposals["経理補助（短時間）"].status,
        proposals["経理補助（短時間）"].stop_reason,
    ) == (Status.DECLINED, "給与が低い: 時給1,500円以上を希望")
    assert list(Dismissal.objects.values_list("job__title", "reason")) == [
        ("経理補助（短時間）", "pay")
    ]
