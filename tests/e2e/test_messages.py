"""Messages in the browser: a registrant asks the case sales rep, the rep answers within the
target, the registrant reads the answer from the notification bell; the limit is polite and the
complaint form stays open."""

from playwright.sync_api import expect

from jobs import workflow
from jobs.models import Status
from staffing.models import AgencySettings

from ..factories import PASSWORD, JobFactory, RegistrantFactory, StaffFactory


def _log_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".who")).to_be_visible()


def _cast():
    StaffFactory(is_agency_admin=True, display_name="管理 三郎")
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎")
    job = JobFactory(case_sales=rep, title="経理事務（仕訳入力）")
    registrant = RegistrantFactory(family_name="佐藤", given_name="美咲")
    workflow.start(job=job, registrant=registrant, status=Status.APPLIED, by=registrant.user)
    return rep, job, registrant


def test_a_registrant_asks_the_case_sales_rep_and_reads_the_answer(page):
    rep, job, registrant = _cast()

    _log_in(page, registrant.user.email)
    page.get_by_role("link", name="メッセージ", exact=True).click()
    page.get_by_role("link", name="「経理事務（仕訳入力）」の担当営業へ").click()
    expect(page.get_by_text("担当営業：営業 太郎")).to_be_visible()
    page.get_by_label("メッセージ").fill("制服はありますか？")
    page.get_by_role("button", name="送信").click()
    conversation = page.get_by_test_id("conversation")
    expect(conversation.get_by_test_id("message")).to_have_count(1)
    expect(conversation.get_by_test_id("message")).to_contain_text("制服はありますか？")
    expect(conversation).to_contain_text("メッセージは1日5件まで送れます（本日の残り4件）。")
    expect(page.get_by_test_id("answer-due")).to_be_visible()
    expect(page.get_by_label("メッセージ")).to_have_value("")

    _log_in(page, rep.email)
    page.get_by_role("link", name="メッセージ", exact=True).click()
    row = page.get_by_test_id("thread-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("佐藤 美咲")
    row.get_by_role("link", name="佐藤 美咲").click()
    expect(page.get_by_test_id("answer-due")).to_contain_text("目標24時間")
    page.get_by_label("メッセージ").fill("私服で大丈夫です。")
    page.get_by_role("button", name="返信する").click()
    expect(page.get_by_test_id("message")).to_have_count(2)
    expect(page.get_by_test_id("answer-due")).to_have_count(0)

    _log_in(page, registrant.user.email)
    bell = page.get_by_test_id("notification-bell")
    expect(bell.locator(".count")).to_be_visible()
    bell.click()
    page.get_by_role("button", name="派遣会社からの返信：経理事務（仕訳入力）").click()
    expect(page.get_by_test_id("message").last).to_contain_text("私服で大丈夫です。")
    expect(page.get_by_test_id("message").last).to_contain_text("営業 太郎")


def test_the_limit_is_polite_and_the_complaint_form_stays_open(page):
    AgencySettings.objects.update_or_create(pk=1, defaults={"messages_per_registrant_per_day": 1})
    _rep, _job, registrant = _cast()
    _log_in(page, registrant.user.email)

    page.goto(page.base_url + "/messages/agency/")
    page.get_by_label("メッセージ").fill("1通目")
    page.get_by_role("button", name="送信").click()
    expect(page.get_by_test_id("message")).to_have_count(1)
    page.get_by_label("メッセージ").fill("2通目")
    page.get_by_role("button", name="送信").click()
    expect(page.locator(".errorlist")).to_contain_text("本日は1件のメッセージを送信されました。")
    expect(page.get_by_test_id("message")).to_have_count(1)
    expect(page.get_by_label("メッセージ")).to_have_value("2通目")  # nothing typed is lost

    page.goto(page.base_url + "/messages/")
    page.get_by_role("link", name="派遣元責任者への苦情").click()
    for number in range(3):
        page.get_by_label("メッセージ").fill(f"苦情{number}")
        page.get_by_role("button", name="送信").click()
        expect(page.get_by_test_id("message")).to_have_count(number + 1)
