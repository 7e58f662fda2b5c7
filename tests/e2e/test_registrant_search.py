"""Job search in the browser: filters update the list in place, live in the URL, and the back
button brings back both the earlier filters and their list."""

import datetime
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from jobs.models import DutyCategory, Job
from jobs.views.public import FACETS_KEY
from tests.registrants.conftest import ensure_taxonomy, make_job


@pytest.fixture(autouse=True)
def _taxonomy(transactional_db):
    ensure_taxonomy()
    cache.delete(FACETS_KEY)


def _cases():
    accounting = DutyCategory.objects.get(code="accounting")
    make_job(title="経理 東京", duty_category=accounting, hourly_wage=1700, prefecture="東京都")
    make_job(
        title="経理 大阪",
        duty_category=accounting,
        hourly_wage=1500,
        prefecture="大阪府",
        city="大阪市北区",
        postal_code="530-0001",
        transport_allowance=Job.TransportAllowance.NONE,
    )
    make_job(
        title="貿易事務 大阪",
        duty_category=DutyCategory.objects.get(code="trade"),
        hourly_wage=1900,
        prefecture="大阪府",
        city="大阪市北区",
        postal_code="530-0001",
        start=datetime.date(2027, 3, 1),
        end=datetime.date(2027, 5, 31),
    )


def _titles(page) -> list[str]:
    return page.locator("#results .job-card h3").all_inner_texts()


def test_filters_update_the_list_in_place_and_the_back_button_restores_them(page):
    _cases()
    page.goto(page.base_url + "/jobs/")
    expect(page.get_by_test_id("result-count")).to_have_text("3 件")
    marker = page.evaluate("() => (window.__sameDocument = 'yes')")

    page.get_by_label("都道府県").select_option("大阪府")
    expect(page.get_by_test_id("result-count")).to_have_text("2 件")
    expect(page).to_have_url(re.compile(r"/jobs/\?.*pref=%E5%A4%A7%E9%98%AA%E5%BA%9C"))
    page.get_by_label("最低時給（円）").fill("1800")
    page.get_by_label("最低時給（円）").press("Tab")
    expect(page.get_by_test_id("result-count")).to_have_text("1 件")
    assert _titles(page) == ["貿易事務 大阪"]
    expect(page).to_have_url(re.compile(r"min_wage=1800"))
    # Filtering never left the page: htmx swapped the list in place.
    assert page.evaluate("() => window.__sameDocument") == marker

    page.go_back()
    expect(page.get_by_test_id("result-count")).to_have_text("2 件")
    expect(page).not_to_have_url(re.compile(r"min_wage=1800"))
    expect(page.get_by_label("都道府県")).to_have_value("大阪府")
    expect(page.get_by_label("最低時給（円）")).to_have_value("")
    assert sorted(_titles(page)) == ["経理 大阪", "貿易事務 大阪"]

    page.go_back()
    expect(page.get_by_test_id("result-count")).to_have_text("3 件")
    expect(page.get_by_label("都道府県")).to_have_value("")

    page.go_forward()
    expect(page.get_by_test_id("result-count")).to_have_text("2 件")
    expect(page.get_by_label("都道府県")).to_have_value("大阪府")


def test_a_shared_search_url_opens_with_its_filters(page):
    _cases()

    page.goto(page.base_url + "/jobs/?category=accounting&allowance=paid&sort=wage")

    expect(page.get_by_test_id("result-count")).to_have_text("1 件")
    assert _titles(page) == ["経理 東京"]
    expect(page.get_by_label("職種")).to_have_value("accounting")
    expect(page.get_by_label("交通費")).to_have_value("paid")
    expect(page.get_by_label("並び順")).to_have_value("wage")


def test_keywords_filter_as_you_type(page):
    _cases()
    page.goto(page.base_url + "/jobs/")

    page.get_by_placeholder("キーワード（例：経理、貿易事務）").fill("貿易")

    expect(page.get_by_test_id("result-count")).to_have_text("1 件")
    expect(page).to_have_url(re.compile(r"q=%E8%B2%BF%E6%98%93"))
