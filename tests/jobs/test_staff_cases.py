"""Writing a case: the requirement check on each flagged class, the opening gate, justifications
in writing, edits that pause an open case, closing, and the hand-over from service sales."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from jobs import services
from jobs.models import (
    CaseLog,
    Duty,
    DutyCategory,
    FlagJustification,
    Job,
    JobConfidential,
    JobDuty,
    Match,
    Status,
)
from jobs.models.case_review import review_case
from registrants.models import DutyExperience
from staffing.models import AgencySettings, Notification

from ..factories import (
    EstablishmentFactory,
    GoingRateFactory,
    JobFactory,
    RegistrantFactory,
    StaffFactory,
    UnitFactory,
    application_in,
)

pytestmark = pytest.mark.django_db


def _draft(case_sales, notes="", **fields):
    job = JobFactory(case_sales=case_sales, status=Job.Status.DRAFT, **fields)
    JobConfidential.objects.create(job=job, notes=notes)
    job.duties.create(
        duty=Duty.objects.get(code="journal_entry"), kind=JobDuty.Kind.REQUIRED, min_months=12
    )
    return job


def _kinds(job):
    return [(flag.kind, flag.field, flag.phrase) for flag in review_case(job)]


# --- The requirement check, one test per flagged class -----------------------------------------


def test_an_age_limit_is_flagged_and_needs_a_cited_exception(case_sales):
    job = _draft(case_sales, description="35歳までの方を募集します。")

    assert _kinds(job) == [("age", "description", "35歳まで")]
    with pytest.raises(services.CaseNotReady) as refused:
        services.open_case(job=job, by=case_sales)
    assert [flag.kind for flag in refused.value.flags] == ["age"]
    assert (
        str(refused.value)
        == "1件の指摘があります。修正するか、書面で理由を記録してから公開してください。"
    )

    with pytest.raises(services.PlacementRefused, match="6つの例外"):
        services.justify_flag(
            job=job, kind="age", phrase="35歳まで", text="長期育成のため", by=case_sales
        )
    services.justify_flag(
        job=job,
        kind="age",
        phrase="35歳まで",
        text="期間の定めのない雇用で若年者のキャリア形成を図るため",
        age_exception="young_career",
        by=case_sales,
    )
    services.open_case(job=job, by=case_sales)

    job.refresh_from_db()
    assert job.status == Job.Status.OPEN
    justification = FlagJustification.objects.get(job=job)
    assert (justification.age_exception, justification.by) == ("young_career", case_sales)
    assert list(CaseLog.objects.filter(job=job).values_list("action", flat=True)) == [
        "opened",
        "justified",
    ]


def test_a_sex_specific_title_is_flagged(case_sales):
    job = _draft(case_sales, title="営業マン募集（ルート営業）")

    assert _kinds(job) == [("sex", "title", "営業マン")]
    with pytest.raises(services.CaseNotReady):
        services.open_case(job=job, by=case_sales)


def test_an_appearance_condition_in_the_confidential_notes_is_flagged(case_sales):
    job = _draft(case_sales, notes="コンタクトレンズの販売員なのでメガネ不可")

    assert _kinds(job) == [("appearance", "notes", "メガネ不可")]


def test_work_that_may_not_be_dispatched_is_flagged_and_cannot_be_justified(case_sales):
    job = _draft(case_sales)
    job.duties.create(duty=Duty.objects.get(code="security_guard"), kind="required", min_months=0)

    assert _kinds(job) == [("prohibited_work", "duties", "security_guard")]
    with pytest.raises(services.PlacementRefused, match="理由を記録できません"):
        services.justify_flag(
            job=job, kind="prohibited_work", phrase="security_guard", text="例外", by=case_sales
        )
    job.duties.filter(duty__code="security_guard").delete()
    services.open_case(job=job, by=case_sales)
    assert Job.objects.get(pk=job.pk).status == Job.Status.OPEN


def test_an_end_on_or_past_the_establishment_conflict_date_is_flagged(case_sales):
    unit = UnitFactory(establishment__conflict_date=datetime.date(2027, 4, 1))
    job = _draft(case_sales, unit=unit, end=datetime.date(2027, 4, 1))
    assert _kinds(job) == [("conflict_date", "end", "2027-04-01")]

    job.end = datetime.date(2027, 3, 31)
    assert _kinds(job) == []
    job.end = None
    assert _kinds(job) == [("conflict_date", "end", "2027-04-01")]

    unit.establishment.conflict_date_extended_to = datetime.date(2030, 4, 1)
    unit.establishment.save()
    job = Job.objects.get(pk=job.pk)
    job.end = datetime.date(2027, 6, 30)
    assert _kinds(job) == []


def test_an_establishment_without_a_notified_conflict_date_is_flagged(case_sales):
    job = _draft(case_sales, unit=UnitFactory(establishment__conflict_date=None))

    assert [kind for kind, _field, _phrase in _kinds(job)] == ["no_conflict_date"]


def test_pay_below_the_going_rate_is_flagged_only_when_configured(case_sales):
    accounting = DutyCategory.objects.get(code="accounting")
    job = _draft(case_sales, duty_category=accounting, hourly_wage=1600)
    assert _kinds(job) == []  # no going rate configured yet

    GoingRateFactory(fiscal_year=2025, duty_category=accounting, hourly_wage=1650)
    # The case starts in January 2027, fiscal year 2026: the latest earlier year's rate applies.
    assert _kinds(job) == [("going_rate", "hourly_wage", "2025:1650")]
    GoingRateFactory(fiscal_year=2026, duty_category=accounting, hourly_wage=1550)
    assert _kinds(job) == []
    GoingRateFactory(
        fiscal_year=2026, duty_category=accounting, prefecture="大阪府", hourly_wage=1900
    )
    assert _kinds(job) == []  # another prefecture's rate


def test_the_going_rate_does_not_apply_under_the_client_comparison_method(case_sales):
    accounting = DutyCategory.objects.get(code="accounting")
    GoingRateFactory(fiscal_year=2026, duty_category=accounting, hourly_wage=1800)
    job = _draft(case_sales, duty_category=accounting, hourly_wage=1600)
    assert [kind for kind, _f, _p in _kinds(job)] == ["going_rate"]

    AgencySettings.objects.update_or_create(
        pk=1, defaults={"equal_pay_method": "client_comparison"}
    )
    assert _kinds(job) == []


def test_a_justified_going_rate_flag_lets_the_case_open(case_sales):
    accounting = DutyCategory.objects.get(code="accounting")
    GoingRateFactory(fiscal_year=2026, duty_category=accounting, hourly_wage=1800)
    job = _draft(case_sales, duty_category=accounting, hourly_wage=1600)

    services.justify_flag(
        job=job,
        kind="going_rate",
        phrase="2026:1800",
        text="賞与・退職金相当分を加算して一般賃金以上",
        by=case_sales,
    )
    services.open_case(job=job, by=case_sales)

    assert Job.objects.get(pk=job.pk).status == Job.Status.OPEN


# --- Opening, pausing, closing -------------------------------------------------------------------


def test_opening_ranks_the_case_once_committed(case_sales, django_capture_on_commit_callbacks):
    job = _draft(case_sales)
    fitting = RegistrantFactory()
    DutyExperience.objects.create(
        registrant=fitting, duty=Duty.objects.get(code="journal_entry"), months=36
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.open_case(job=job, by=case_sales)

    job.refresh_from_db()
    assert (job.status, job.published_at is not None) == (Job.Status.OPEN, True)
    assert list(Match.objects.filter(job=job).values_list("registrant_id", flat=True)) == [
        fitting.pk
    ]


def test_a_case_without_duties_or_rep_is_not_opened(case_sales):
    job = JobFactory(case_sales=case_sales, status=Job.Status.DRAFT)
    with pytest.raises(services.PlacementRefused, match="業務を1つ以上"):
        services.open_case(job=job, by=case_sales)

    job = _draft(case_sales)
    Job.objects.filter(pk=job.pk).update(case_sales=None)
    with pytest.raises(services.PlacementRefused, match="担当営業を決めて"):
        services.open_case(job=job, by=case_sales)


def test_an_edit_that_brings_a_flag_pauses_an_open_case(client, case_sales):
    job = _draft(case_sales)
    services.open_case(job=job, by=case_sales)
    client.force_login(case_sales)
    data = _form_data(job, description="男性歓迎の職場です。")

    response = client.post(reverse("jobs:case_edit", args=[job.pk]), data, follow=True)

    job.refresh_from_db()
    assert job.status == Job.Status.PAUSED
    assert job.description == "男性歓迎の職場です。"
    assert "案件を一時停止しました" in response.content.decode()
    assert CaseLog.objects.filter(job=job, action="paused").count() == 1


def test_closing_is_refused_while_applications_run(case_sales):
    job = _draft(case_sales)
    services.open_case(job=job, by=case_sales)
    application = application_in(Status.SCREENING, job=job)

    with pytest.raises(services.PlacementRefused, match="1件の応募が進行中"):
        services.close_case(job=job, by=case_sales)

    services.fail_screening(application=application, by=case_sales, reason="経験不足")
    services.close_case(job=job, by=case_sales)
    assert Job.objects.get(pk=job.pk).status == Job.Status.CLOSED


# --- The case pages ------------------------------------------------------------------------------


def _form_data(job=None, **overrides):
    unit = job.unit if job else UnitFactory()
    data = {
        "title": job.title if job else "経理事務",
        "unit": unit.pk,
        "case_sales": job.case_sales_id if job else "",
        "duty_category": DutyCategory.objects.get(code="accounting").pk,
        "description": job.description if job else "仕訳入力をお願いします。",
        "hourly_wage": 1700,
        "transport_allowance": "full",
        "transport_cap_per_month": "",
        "work_days": "月〜金",
        "work_hours": "9:00〜17:30",
        "start": "2027-01-04",
        "end": "2027-06-30",
        "employment_contract_days": 178,
        "renewal_possible": "on",
        "headcount": 1,
        "individual_limit_exemption": "",
        "postal_code": "1000005",
        "place": "東京駅",
        "dress_code": "オフィスカジュアル",
        "confidential-department_detail": "経理部",
        "confidential-team": "決算チーム",
        "confidential-reason": "産休代替",
        "confidential-selection_schedule": "",
        "confidential-bill_rate": 2400,
        "confidential-notes": "",
        "duties-TOTAL_FORMS": 2,
        "duties-INITIAL_FORMS": 0,
        "duties-MIN_NUM_FORMS": 0,
        "duties-MAX_NUM_FORMS": 1000,
        "duties-0-duty": Duty.objects.get(code="journal_entry").pk,
        "duties-0-kind": "required",
        "duties-0-min_months": 12,
        "duties-1-duty": "",
        "duties-1-kind": "required",
        "duties-1-min_months": "",
    }
    data.update(overrides)
    return data


def test_a_rep_writes_a_case_with_its_confidential_part_and_duties(client, case_sales):
    client.force_login(case_sales)
    data = _form_data(case_sales=case_sales.pk)

    response = client.post(reverse("jobs:case_create"), data)

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:case_detail", args=[job.pk])
    assert (job.status, job.case_sales, job.prefecture, job.city, job.postal_code) == (
        Job.Status.DRAFT,
        case_sales,
        "東京都",
        "千代田区",
        "100-0005",
    )
    assert (job.confidential.team, job.confidential.bill_rate) == ("決算チーム", 2400)
    assert list(job.duties.values_list("duty__code", "kind", "min_months")) == [
        ("journal_entry", "required", 12)
    ]
    assert list(job.log.values_list("action", "by")) == [("created", case_sales.pk)]


def test_bad_input_is_named_next_to_its_field(client, case_sales):
    client.force_login(case_sales)
    data = _form_data(
        case_sales=case_sales.pk,
        end="2026-12-01",
        postal_code="9999999",
        **{"duties-1-duty": Duty.objects.get(code="journal_entry").pk, "duties-1-min_months": 3},
    )

    response = client.post(reverse("jobs:case_create"), data)

    assert response.status_code == 200
    assert Job.objects.count() == 0
    assert response.context["form"].errors == {
        "end": ["終了日が開始日より前です。"],
        "postal_code": ["この郵便番号は見つかりませんでした。"],
    }
    assert response.context["duty_formset"][1].errors == {"duty": ["この業務が2回挙がっています。"]}


def test_the_requirement_check_answers_while_the_case_is_written(client, case_sales):
    client.force_login(case_sales)
    unit = UnitFactory(establishment__conflict_date=datetime.date(2027, 5, 1))
    data = _form_data(
        case_sales=case_sales.pk,
        unit=unit.pk,
        title="受付レディ",
        **{"confidential-notes": "若い方希望"},
    )

    response = client.post(reverse("jobs:case_check"), data, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="flags"')
    assert "<html" not in html
    assert [flag.kind for flag in response.context["flags"]] == ["sex", "age", "conflict_date"]
    assert "「受付レディ」は性別を示しています" in html
    assert Job.objects.count() == 0


def test_the_case_page_shows_the_flags_with_a_form_to_justify_each(client, case_sales):
    job = _draft(case_sales, description="20代が活躍中")
    client.force_login(case_sales)

    response = client.post(
        reverse("jobs:case_justify", args=[job.pk]),
        {"kind": "age", "phrase": "20代", "text": "理由", "age_exception": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="review"')
    assert "6つの例外のいずれかを挙げてください。" in html
    assert FlagJustification.objects.count() == 0

    response = client.post(
        reverse("jobs:case_justify", args=[job.pk]),
        {"kind": "age", "phrase": "20代", "text": "芸能分野の役柄のため", "age_exception": "arts"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "芸能分野の役柄のため" in html
    assert "営業 太郎" in html
    assert 'value="open"' in html and "disabled" not in html


def test_coordinators_read_a_case_but_only_its_rep_writes_it(client, case_sales, coordinator):
    job = _draft(case_sales)
    other_rep = StaffFactory(is_case_sales=True)

    client.force_login(coordinator)
    page = client.get(reverse("jobs:case_detail", args=[job.pk]))
    assert "非公開情報" in page.content.decode()
    assert client.get(reverse("jobs:case_edit", args=[job.pk])).status_code == 403
    assert client.get(reverse("jobs:pipeline", args=[job.pk])).status_code == 403

    client.force_login(other_rep)
    assert client.get(reverse("jobs:case_edit", args=[job.pk])).status_code == 403
    assert (
        client.post(reverse("jobs:case_status", args=[job.pk]), {"action": "open"}).status_code
        == 403
    )
    assert Job.objects.get(pk=job.pk).status == Job.Status.DRAFT


def test_registrants_and_visitors_never_see_the_staff_case_page(client, case_sales):
    job = _draft(case_sales, notes="非公開のメモ")
    url = reverse("jobs:case_detail", args=[job.pk])

    assert client.get(url)["Location"].startswith(reverse("staffing:login"))
    registrant = RegistrantFactory()
    client.force_login(registrant.user)
    response = client.get(url)
    assert response.status_code == 403
    assert "非公開のメモ" not in response.content.decode()


def test_opening_from_the_page_says_what_blocks_it(client, case_sales):
    job = _draft(case_sales, title="営業マン")
    client.force_login(case_sales)

    response = client.post(
        reverse("jobs:case_status", args=[job.pk]), {"action": "open"}, follow=True
    )

    assert Job.objects.get(pk=job.pk).status == Job.Status.DRAFT
    assert "1件の指摘があります" in response.content.decode()


# --- Service sales hands a need over -------------------------------------------------------------


def test_service_sales_hands_a_need_to_a_rep_as_a_draft(
    client, service_sales, case_sales, django_capture_on_commit_callbacks
):
    unit = UnitFactory(establishment=EstablishmentFactory(postal_code="530-0001"))
    client.force_login(service_sales)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("jobs:client_handover", args=[unit.establishment.client_id]),
            {
                "unit": unit.pk,
                "case_sales": case_sales.pk,
                "title": "貿易事務",
                "heard": "4月から輸出書類の担当が1名必要。英語メールあり。",
                "hourly_wage": 1800,
                "start": "2027-04-01",
                "end": "2027-09-30",
                "headcount": 1,
            },
        )

    job = Job.objects.get()
    assert response.status_code == 302
    assert (job.status, job.case_sales, job.prefecture, job.confidential.reason) == (
        Job.Status.DRAFT,
        case_sales,
        "大阪府",
        "4月から輸出書類の担当が1名必要。英語メールあり。",
    )
    assert list(job.log.values_list("action", "by")) == [("handed_over", service_sales.pk)]
    assert set(
        Notification.objects.filter(recipient=case_sales).values_list("channel", "kind")
    ) == {("in_app", "case.handed_over"), ("email", "case.handed_over")}
    [message] = mail.outbox
    assert message.to == [case_sales.email]
    assert message.subject == f"新しい下書き案件 {job.ref}：貿易事務"
