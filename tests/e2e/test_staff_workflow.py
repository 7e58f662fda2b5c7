"""The staff workspace in the browser: a case from a coordinator's proposal (or a registrant's own
application) through screening, the workplace visit and the client's answer to an assignment."""

import datetime

from playwright.sync_api import expect

from jobs import matching_adapter
from jobs.models import Application, Assignment, Duty, DutyCategory, Job, JobConfidential, Status
from registrants.models import DutyExperience
from staffing.models import AgencySettings

from ..factories import PASSWORD, JobFactory, RegistrantFactory, StaffFactory


def _duty(code: str) -> Duty:
    # Browser tests run on a flushed database: the taxonomy migration's rows may be gone.
    category, _ = DutyCategory.objects.get_or_create(
        code="accounting", defaults={"name_ja": "経理", "name_en": "Accounting"}
    )
    duty, _ = Duty.objects.get_or_create(
        code=code,
        defaults={"name_ja": "仕訳入力", "name_en": "Journal entry", "category": category},
    )
    return duty


def _cast(*, coordinators: bool):
    AgencySettings.objects.update_or_create(pk=1, defaults={"uses_coordinators": coordinators})
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎")
    coordinator = StaffFactory(is_coordinator=True, display_name="調整 花子")
    job = JobFactory(
        case_sales=rep,
        title="経理事務（仕訳入力）",
        start=datetime.date(2027, 1, 4),
        end=datetime.date(2027, 6, 30),
        hourly_wage=1700,
    )
    JobConfidential.objects.create(job=job, bill_rate=2450, team="決算チーム")
    job.duties.create(duty=_duty("journal_entry"), kind="required", min_months=12)
    registrant = RegistrantFactory(family_name="佐藤", given_name="美咲")
    DutyExperience.objects.create(registrant=registrant, duty=_duty("journal_entry"), months=30)
    matching_adapter.forget_cache()
    matching_adapter.rank_job(job_id=job.pk)
    return rep, coordinator, job, registrant


def _log_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".who")).to_be_visible()


def _card(page, status: str, application: Application):
    return page.locator(f'[data-status="{status}"] [data-testid="card-{application.pk}"]')


def _screen_visit_answer_and_assign(page, *, rep, registrant, job, application):
    """From an application on the rep's board to an assignment, in the browser."""
    _log_in(page, rep.email)
    page.goto(f"{page.base_url}/jobs/staff/cases/{job.pk}/pipeline/")
    _card(page, "applied", application).get_by_role("button", name="選考を始める").click()
    card = _card(page, "screening", application)
    expect(card).to_be_visible()
    card.get_by_role("button", name="通過").click()
    expect(_card(page, "passed", application)).to_be_visible()
    expect(page.locator('[data-status="passed"] .count')).to_have_text("1")

    _log_in(page, registrant.user.email)
    page.goto(f"{page.base_url}/me/applications/{application.pk}/")
    expect(page.get_by_text("決算チーム")).to_be_visible()  # confidential part, now unlocked
    page.locator("form[action$='/visit/'] button[type=submit]").click()
    expect(page.locator("form[action$='/visit/']")).to_have_count(0)

    _log_in(page, rep.email)
    page.goto(f"{page.base_url}/jobs/staff/cases/{job.pk}/pipeline/")
    card = _card(page, "visit_requested", application)
    card.get_by_label("職場見学").fill("2026-12-10T14:00")
    card.get_by_role("button", name="見学日程を確定").click()
    card = _card(page, "visit_scheduled", application)
    expect(card).to_contain_text("2026-12-10 14:00")
    card.get_by_role("button", name="クライアントが了承").click()
    _card(page, "client_accepted", application).get_by_role(
        "link", name="就業のご案内をする"
    ).click()
    offer = page.locator("form#offer")
    expect(offer.get_by_label("時給（円）")).to_have_value("1700")
    expect(offer.get_by_label("請求単価（時間・円）")).to_have_value("2450")
    offer.get_by_role("button", name="ご案内を送る").click()
    expect(page.get_by_test_id("application-status")).to_have_text("就業のご案内")

    _log_in(page, registrant.user.email)
    page.goto(f"{page.base_url}/me/applications/{application.pk}/")
    page.locator("form[action$='/accept-offer/'] button[type=submit]").click()
    expect(page.locator("form[action$='/accept-offer/']")).to_have_count(0)

    assignment = Assignment.objects.get(registrant=registrant)
    assert (
        assignment.unit,
        assignment.start,
        assignment.end,
        assignment.hourly_wage,
        assignment.hourly_bill_rate,
    ) == (job.unit, datetime.date(2027, 1, 4), datetime.date(2027, 6, 30), 1700, 2450)
    job.refresh_from_db()
    assert job.status == Job.Status.FILLED


def test_a_proposal_becomes_an_assignment_with_coordinators(page):
    rep, coordinator, job, registrant = _cast(coordinators=True)

    _log_in(page, coordinator.email)
    page.goto(f"{page.base_url}/coordinators/cases/{job.pk}/")
    row = page.get_by_test_id(f"candidate-{registrant.pk}")
    expect(row).to_contain_text("佐藤 美咲")
    row.locator("input[name=registrant]").check()
    page.get_by_label("登録者へのメッセージ").fill("仕訳入力の経験30か月が活きる案件です。")
    page.get_by_role("button", name="選んだ登録者に紹介する").click()
    expect(page.get_by_test_id("outcomes")).to_have_text("佐藤 美咲さんに紹介しました。")
    application = Application.objects.get(registrant=registrant, job=job)
    assert (application.status, application.proposed_by) == (Status.PROPOSED, coordinator)

    _log_in(page, registrant.user.email)
    page.goto(f"{page.base_url}/me/proposals/{application.pk}/")
    expect(page.get_by_text("仕訳入力の経験30か月が活きる案件です。")).to_be_visible()
    page.locator("form[action$='/accept/'] button[type=submit]").click()
    expect(page.locator("form[action$='/accept/']")).to_have_count(0)
    application.refresh_from_db()
    assert application.status == Status.APPLIED

    _screen_visit_answer_and_assign(
        page, rep=rep, registrant=registrant, job=job, application=application
    )
    assert list(
        Application.objects.get(pk=application.pk).events.values_list("to_status", flat=True)
    ) == [
        "proposed",
        "applied",
        "screening",
        "passed",
        "visit_requested",
        "visit_scheduled",
        "client_accepted",
        "offered",
        "accepted",
    ]


def test_a_self_application_becomes_an_assignment_without_coordinators(page):
    rep, coordinator, job, registrant = _cast(coordinators=False)

    _log_in(page, coordinator.email)
    response = page.goto(f"{page.base_url}/coordinators/cases/{job.pk}/")
    assert response.status == 404

    _log_in(page, registrant.user.email)
    page.goto(f"{page.base_url}/jobs/{job.pk}/")
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    expect(page.locator("form[action$='/apply/']")).to_have_count(0)
    application = Application.objects.get(registrant=registrant, job=job)
    assert (application.status, application.origin) == (Status.APPLIED, "applied")

    _log_in(page, rep.email)
    page.goto(f"{page.base_url}/jobs/staff/cases/{job.pk}/pipeline/")
    expect(page.locator('[data-status="proposed"]')).to_have_count(0)
    expect(_card(page, "applied", application)).to_contain_text("本人応募")

    _screen_visit_answer_and_assign(
        page, rep=rep, registrant=registrant, job=job, application=application
    )
    assert list(
        Application.objects.get(pk=application.pk).events.values_list("to_status", flat=True)
    ) == [
        "applied",
        "screening",
        "passed",
        "visit_requested",
        "visit_scheduled",
        "client_accepted",
        "offered",
        "accepted",
    ]


def test_the_requirement_check_answers_while_the_rep_types(page):
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎")

    _log_in(page, rep.email)
    page.goto(page.base_url + "/jobs/staff/cases/new/")
    check = page.get_by_test_id("requirement-check")
    expect(check).to_contain_text("指摘はありません。")
    page.locator("#id_title").fill("営業マン募集")
    expect(check).to_contain_text("「営業マン」は性別を示しています")
    page.locator("#id_confidential-notes").fill("コンタクトの店なのでメガネ不可")
    expect(check.locator("li")).to_have_count(2)
    expect(check.locator("li[data-kind=appearance]")).to_contain_text("メガネ不可")
    page.locator("#id_title").fill("ルート営業")
    expect(check.locator("li")).to_have_count(1)
    assert not Job.objects.exists()
