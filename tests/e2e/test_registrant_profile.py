"""Editing experience in the browser reranks “Jobs for you”: months are what matching reads."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from jobs.views.public import FACETS_KEY
from registrants.models import DutyExperience
from tests.factories import RegistrantFactory
from tests.registrants.conftest import ensure_taxonomy, give_experience, log_in, make_job


@pytest.fixture(autouse=True)
def _taxonomy(transactional_db):
    ensure_taxonomy()
    cache.delete(FACETS_KEY)


def _ranking(page) -> list[str]:
    return page.get_by_test_id("match-card").locator("h3").all_inner_texts()


def test_editing_experience_changes_the_ranking(page):
    registrant = RegistrantFactory(postal_code="150-0002", min_hourly_wage=1500)
    give_experience(registrant, journal_entry=24, accounts_receivable=6)
    make_job(
        title="売掛金管理（経験2年以上）", hourly_wage=1700, required={"accounts_receivable": 24}
    )
    make_job(title="仕訳入力（時給1,400円）", hourly_wage=1400, required={"journal_entry": 12})
    make_job(title="請求書発行", hourly_wage=1600, required={"invoicing": 12})
    log_in(page, registrant.user)

    page.goto(page.base_url + "/me/jobs/")
    assert _ranking(page) == ["仕訳入力（時給1,400円）", "売掛金管理（経験2年以上）", "請求書発行"]

    page.goto(page.base_url + "/me/profile/")
    row = page.get_by_test_id("experience-accounts_receivable")
    row.get_by_label("月数").fill("36")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("experience").locator(".message")).to_have_text(
        "保存しました。おすすめを更新しています。"
    )

    experience = page.get_by_test_id("experience")
    experience.get_by_label("業務を検索").fill("請求")
    experience.get_by_test_id("duty-results").get_by_label("請求書発行").check()
    experience.locator("#id_experience-months").fill("18")
    experience.get_by_role("button", name="この業務を追加").click()
    expect(page.get_by_test_id("experience-invoicing")).to_be_visible()

    page.get_by_role("link", name="あなたへのおすすめ").click()
    assert _ranking(page) == [
        "売掛金管理（経験2年以上）",
        "請求書発行",
        "仕訳入力（時給1,400円）",
    ]
    assert list(
        DutyExperience.objects.filter(registrant=registrant).values_list("duty__code", "months")
    ) == [("accounts_receivable", 36), ("journal_entry", 24), ("invoicing", 18)]
