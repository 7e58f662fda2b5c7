"""The sales rep's side of the workflow: every move from the board and the screening page,
allowed or refused with a reason; the screening page's coverage, history and caveats; who may see
it; and the anonymized skill sheet."""

import datetime
import re

import pytest
from django.urls import reverse

from jobs import services, workflow
from jobs.models import Application, Assignment, Duty, JobConfidential, JobDuty, Status
from registrants.models import DirectEmployment, DutyExperience
from staffing.models import AuditEvent

from ..factories import (
    JobFactory,
    RegistrantFactory,
    StaffFactory,
    UnitFactory,
    application_in,
)

pytestmark = pytest.mark.django_db

# Each sales action, the form data it posts and the step it moves to.
ACTIONS = [
    ("screen", {}, Status.SCREENING),
    ("pass", {"pass-note": "経験十分"}, Status.PASSED),
    ("not_pass", {"not_pass-reason": "必須業務の経験が不足"}, Status.NOT_PASSED),
    ("schedule", {"schedule-visit_at": "2026-12-10T14:00"}, Status.VISIT_SCHEDULED),
    ("client_answer", {"client_answer-agreed": "yes"}, Status.CLIENT_ACCEPTED),
    (
        "client_answer",
        {"client_answer-agreed": "no", "client_answer-note": "経験業務が異なる"},
        Status.CLIENT_DECLINED,
    ),
    (
        "offer",
        {
            "offer-start": "2027-01-04",
            "offer-end": "2027-06-30",
            "offer-hourly_wage": 1700,
            "offer-bill_rate": 2500,
        },
        Status.OFFERED,
    ),
]
CASES = [(action, data, target, source) for action, data, target in ACTIONS for source in Status]


@pytest.fixture
def case(case_sales):
    job = JobFactory(case_sales=case_sales, headcount=2)
    JobConfidential.objects.create(job=job, bill_rate=2500, team="決算チーム")
    job.duties.create(
        duty=Duty.objects.get(code="journal_entry"), kind=JobDuty.Kind.REQUIRED, min_months=12
    )
    job.duties.create(
        duty=Duty.objects.get(code="monthly_closing"), kind=JobDuty.Kind.PREFERRED, min_months=0
    )
    return job


@pytest.mark.parametrize(
    ("action", "data", "target", "source"),
    CASES,
    ids=[f"{a}->{t.value}-from-{s.value}" for a, _d, t, s in CASES],
)
def test_every_sales_move_from_the_board_is_made_or_refused_with_a_reason(
    client, case, action, data, target, source
):
    application = application_in(source, job=case)
    client.force_login(case.case_sales)

    response = client.post(
        reverse("jobs:application_move", args=[application.pk]),
        {"action": action, "view": "board", "scope": case.pk, **data},
        HTTP_HX_REQUEST="true",
    )

    application.refresh_from_db()
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"')
    if target in workflow.TRANSITIONS[source]:
        assert application.status == target
        assert list(application.events.values_list("to_status", flat=True))[-1] == target
        assert 'role="alert"' not in html
    else:
        assert application.status == source
        assert application.events.count() == 1
        assert f"「{source.label}」の応募を「{target.label}」にすることはできません。" in html


def test_a_move_from_the_board_lands_the_card_in_its_new_column(client, case):
    application = application_in(Status.APPLIED, job=case)
    client.force_login(case.case_sales)

    response = client.post(
        reverse("jobs:application_move", args=[application.pk]),
        {"action": "screen", "view": "board", "scope": case.pk},
        HTTP_HX_REQUEST="true",
    )

    columns = {column.status: column.cards for column in response.context["columns"]}
    assert [card.pk for card in columns[Status.SCREENING]] == [application.pk]
    assert columns[Status.APPLIED] == []
    html = response.content.decode()
    assert re.search(r'data-status="screening".*?<span class="count">1</span>', html, re.S)


def test_without_javascript_a_move_redirects_back_to_the_board(client, case):
    application = application_in(Status.APPLIED, job=case)
    client.force_login(case.case_sales)

    response = client.post(
        reverse("jobs:application_move", args=[application.pk]),
        {"action": "screen", "view": "board", "scope": case.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:pipeline", args=[case.pk])
    assert Application.objects.get(pk=application.pk).status == Status.SCREENING


def test_not_passing_needs_a_reason_named_next_to_the_field(client, case):
    application = application_in(Status.SCREENING, job=case)
    client.force_login(case.case_sales)

    response = client.post(
        reverse("jobs:application_move", args=[application.pk]),
        {"action": "not_pass", "not_pass-reason": ""},
    )

    assert response.status_code == 200
    assert response.context["forms"]["not_pass"].errors == {
        "reason": ["このフィールドは必須です。"]
    }
    assert Application.objects.get(pk=application.pk).status == Status.SCREENING


def test_the_offer_is_prefilled_from_the_case_and_refused_past_the_conflict_date(client, case):
    application = application_in(Status.PASSED, job=case)
    client.force_login(case.case_sales)

    page = client.get(reverse("jobs:application_detail", args=[application.pk]))
    offer = page.context["forms"]["offer"]
    assert (offer["start"].value(), offer["end"].value(), offer["bill_rate"].value()) == (
        case.start,
        case.end,
        2500,
    )

    response = client.post(
        reverse("jobs:application_move", args=[application.pk]),
        {
            "action": "offer",
            "offer-start": "2027-01-04",
            "offer-end": "2029-05-31",
            "offer-hourly_wage": 1700,
            "offer-bill_rate": 2500,
        },
    )
    assert "事業所の抵触日 2029-04-01 以降にかかることはできません" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == Status.PASSED


def test_a_blocked_pair_is_never_offered(case):
    application = application_in(Status.PASSED, job=case)
    DirectEmployment.objects.create(
        registrant=application.registrant,
        employer_corporate_number=case.unit.establishment.client.corporate_number,
        employer_name=case.unit.establishment.client.name,
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2026, 9, 30),
    )

    with pytest.raises(services.PlacementRefused, match="派遣法40条の9"):
        services.make_offer(
            application=application,
            by=case.case_sales,
            start=case.start,
            end=case.end,
            hourly_wage=1700,
            bill_rate=2500,
        )
    assert Application.objects.get(pk=application.pk).status == Status.PASSED


def test_the_screening_page_shows_coverage_history_and_caveats(client, case):
    registrant = RegistrantFactory(min_hourly_wage=1800)
    DutyExperience.objects.create(
        registrant=registrant, duty=Duty.objects.get(code="journal_entry"), months=30
    )
    # Ten months in this unit ending in May 2026: a January 2027 start comes after a gap of more
    # than 3 months, so the count restarts. In another unit of the client the chain still runs.
    Assignment.objects.create(
        registrant=registrant,
        unit=case.unit,
        start=datetime.date(2025, 8, 1),
        end=datetime.date(2026, 5, 31),
        hourly_wage=1500,
        hourly_bill_rate=2100,
    )
    other_unit = UnitFactory(establishment=case.unit.establishment, name="営業課")
    Assignment.objects.create(
        registrant=registrant,
        unit=other_unit,
        start=datetime.date(2024, 4, 1),
        end=datetime.date(2026, 11, 30),
        hourly_wage=1500,
        hourly_bill_rate=2100,
    )
    application = application_in(Status.SCREENING, job=case, registrant=registrant)
    client.force_login(case.case_sales)

    response = client.get(reverse("jobs:application_detail", args=[application.pk]))

    coverage = [
        (item.duty.code, item.kind, item.min_months, item.months_had, item.covered)
        for item in response.context["pair"].coverage
    ]
    assert coverage == [
        ("journal_entry", "required", 12, 30, True),
        ("monthly_closing", "preferred", 0, 0, False),
    ]
    history = [
        (item.unit.name, item.periods, conflict) for item, conflict in response.context["history"]
    ]
    assert history == [
        (
            "営業課",
            ((datetime.date(2024, 4, 1), datetime.date(2026, 11, 30)),),
            datetime.date(2027, 4, 1),
        ),
        ("経理課", ((datetime.date(2025, 8, 1), datetime.date(2026, 5, 31)),), None),
    ]
    html = response.content.decode()
    assert "時給 1,600 円は希望の 1,800 円を下回ります。" in html
    assert "通算はリセット済み（3か月超の空白）" in html
    assert list(
        AuditEvent.objects.filter(actor=case.case_sales).values_list("action", "subject")
    ) == [("view", f"registrant:{registrant.pk}")]


def test_only_the_case_rep_and_admins_see_the_applicants(
    client, case, coordinator, service_sales, agency_admin
):
    application = application_in(Status.SCREENING, job=case)
    url = reverse("jobs:application_detail", args=[application.pk])

    for user in (coordinator, service_sales, StaffFactory(is_case_sales=True)):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(reverse("jobs:pipeline", args=[case.pk])).status_code == 403
    registrant = application.registrant
    client.force_login(registrant.user)
    assert client.get(url).status_code == 403

    client.force_login(agency_admin)
    assert application.registrant.full_name in client.get(url).content.decode()


def test_the_board_across_my_cases_shows_only_mine(client, case_sales, case):
    mine = application_in(Status.APPLIED, job=case)
    application_in(Status.APPLIED)  # another rep's case
    client.force_login(case_sales)

    response = client.get(reverse("jobs:pipeline_mine"))

    cards = [card.pk for column in response.context["columns"] for card in column.cards]
    assert cards == [mine.pk]
    assert case.ref in response.content.decode()


def test_a_self_application_and_a_proposal_each_reach_the_board(client, case, coordinator):
    applied = application_in(Status.APPLIED, job=case)
    proposed = application_in(Status.PROPOSED, job=case, origin="proposed")
    client.force_login(case.case_sales)

    response = client.get(reverse("jobs:pipeline", args=[case.pk]))

    columns = {
        column.status: [c.pk for c in column.cards] for column in response.context["columns"]
    }
    assert (columns[Status.APPLIED], columns[Status.PROPOSED]) == ([applied.pk], [proposed.pk])
    html = response.content.decode()
    assert "本人応募" in html and "コーディネーター紹介" in html


# --- The anonymized skill sheet ----------------------------------------------------------------


def test_the_skill_sheet_carries_nothing_that_identifies_the_registrant(client, case):
    registrant = RegistrantFactory(
        family_name="佐藤",
        given_name="美咲",
        family_name_kana="サトウ",
        given_name_kana="ミサキ",
        birth_date=datetime.date(1987, 11, 23),
        postal_code="150-0002",
        city="渋谷区",
        nearest_station="恵比寿駅",
        phone="090-1234-5678",
        education="〇〇大学 経済学部 卒業",
        ref="R-SECRET-77",
    )
    DutyExperience.objects.create(
        registrant=registrant,
        duty=Duty.objects.get(code="journal_entry"),
        months=30,
        last_year=2026,
    )
    application = application_in(Status.PASSED, job=case, registrant=registrant)
    client.force_login(case.case_sales)

    response = client.get(reverse("jobs:skill_sheet", args=[application.pk]))

    html = response.content.decode()
    assert "仕訳入力" in html and ">30<" in html
    assert response.context["sheet_number"] == f"{case.ref}-{application.pk}"
    identifying = [
        "佐藤",
        "美咲",
        "サトウ",
        "ミサキ",
        registrant.user.email,
        "090-1234-5678",
        "1987",
        "11-23",
        "11月23日",
        "150-0002",
        "渋谷区",
        "恵比寿",
        "〇〇大学",
        "R-SECRET-77",
        "歳",
        "営業 太郎",  # not even the staff member's name: the header is left out
    ]
    assert [text for text in identifying if text in html] == []
    context = response.context.flatten()
    assert set(context) >= {"job", "experiences", "skills", "qualifications"}
    assert "registrant" not in context
    assert list(AuditEvent.objects.values_list("action", "subject", "detail")) == [
        ("export", f"registrant:{registrant.pk}", f"anonymized skill sheet for case {case.ref}")
    ]


def test_the_client_sees_no_skill_sheet_before_internal_screening_is_passed(client, case):
    application = application_in(Status.SCREENING, job=case)
    client.force_login(case.case_sales)

    response = client.get(reverse("jobs:skill_sheet", args=[application.pk]))

    assert response.status_code == 403
    assert AuditEvent.objects.count() == 0
