"""The daily reminders: assignments ending, conflict dates coming, applications waiting."""

import datetime

import pytest
from django.utils import timezone

from jobs import matching_adapter, workflow
from jobs.models import Application, Assignment, Status
from registrants.models import Registrant
from staffing import reminders
from staffing.models import AgencySettings, Notification
from tests.factories import (
    EstablishmentFactory,
    JobFactory,
    RegistrantFactory,
    StaffFactory,
    UnitFactory,
)

from .helpers import at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 27)


@pytest.fixture
def reranked(monkeypatch):
    calls = []
    monkeypatch.setattr(matching_adapter, "queue_rank_registrant", calls.append)
    return calls


def _assignment(registrant, *, start, end, unit=None, job=None):
    unit = unit or (job.unit if job else UnitFactory())
    return Assignment.objects.create(
        registrant=registrant,
        unit=unit,
        job=job,
        start=start,
        end=end,
        hourly_wage=1600,
        hourly_bill_rate=2400,
    )


def _emails(**filters):
    return Notification.objects.filter(channel="email", **filters)


# --- Assignments ending ---------------------------------------------------------------------------


def test_an_assignment_ending_within_30_days_asks_the_registrant_and_opens_their_availability(
    reranked,
):
    person = RegistrantFactory(available_from=None, user__email="hanako@example.jp")
    job = JobFactory(title="経理事務")
    workflow.start(job=job, registrant=person, status=Status.APPLIED, by=person.user)
    ending = _assignment(
        person, start=datetime.date(2026, 6, 1), end=datetime.date(2026, 12, 20), job=job
    )

    assert reminders.remind_assignment_endings(today=TODAY) == 1
    assert reminders.remind_assignment_endings(today=TODAY) == 0  # asked once

    person.refresh_from_db()
    assert person.available_from == datetime.date(2026, 12, 21)
    assert reranked == [person.pk]
    asked = _emails(kind="assignment.ending").get()
    assert asked.recipient == person.user
    assert asked.subject == "2026-12-20で就業が終了します：次のご希望をお聞かせください"
    assert (
        f"{ending.unit.establishment}での就業は2026-12-20に終了します（あと23日）。" in asked.body
    )
    assert f"/messages/case/{job.pk}/" in asked.body
    assert "これからは2026-12-21以降に始まる案件をご紹介します。" in asked.body


def test_no_question_when_the_next_assignment_is_agreed_or_the_end_is_far(reranked):
    renewed = RegistrantFactory(available_from=None)
    _assignment(renewed, start=datetime.date(2026, 6, 1), end=datetime.date(2026, 12, 20))
    _assignment(renewed, start=datetime.date(2026, 12, 21), end=datetime.date(2027, 3, 31))
    far = RegistrantFactory(available_from=None)
    _assignment(far, start=datetime.date(2026, 6, 1), end=datetime.date(2027, 1, 31))

    assert reminders.remind_assignment_endings(today=TODAY) == 0
    assert reranked == []
    assert set(Registrant.objects.values_list("available_from", flat=True)) == {None}


def test_a_later_availability_the_registrant_gave_is_kept(reranked):
    person = RegistrantFactory(available_from=datetime.date(2027, 2, 1))
    _assignment(person, start=datetime.date(2026, 6, 1), end=datetime.date(2026, 12, 20))

    reminders.remind_assignment_endings(today=TODAY)

    person.refresh_from_db()
    assert person.available_from == datetime.date(2027, 2, 1)
    assert reranked == []
    assert _emails(kind="assignment.ending").count() == 1


# --- Conflict dates ------------------------------------------------------------------------------


def test_the_establishment_conflict_date_is_told_to_its_reps_at_90_then_30_days():
    rep = StaffFactory(is_case_sales=True)
    other_rep = StaffFactory(is_case_sales=True)
    establishment = EstablishmentFactory(
        name="本社", conflict_date=datetime.date(2027, 2, 1), client__name="株式会社みなと"
    )
    JobFactory(case_sales=rep, unit=UnitFactory(establishment=establishment))
    JobFactory(case_sales=other_rep)  # another establishment

    told_90 = reminders.remind_conflict_dates(today=TODAY)
    again = reminders.remind_conflict_dates(today=TODAY + datetime.timedelta(days=1))
    told_30 = reminders.remind_conflict_dates(today=datetime.date(2027, 1, 5))

    assert (told_90, again, told_30) == (1, 0, 1)
    mails = list(_emails(kind="conflict_date.establishment").order_by("pk"))
    assert [mail.recipient for mail in mails] == [rep, rep]
    assert mails[0].subject == "抵触日 2027-02-01：株式会社みなと 本社"
    assert "（あと66日）" in mails[0].body and "（あと27日）" in mails[1].body


def test_an_extended_conflict_date_replaces_the_first_one():
    rep = StaffFactory(is_case_sales=True)
    establishment = EstablishmentFactory(
        conflict_date=datetime.date(2027, 1, 1),
        conflict_date_extended_to=datetime.date(2030, 1, 1),
    )
    JobFactory(case_sales=rep, unit=UnitFactory(establishment=establishment))

    assert reminders.remind_conflict_dates(today=TODAY) == 0


def test_the_individual_conflict_date_follows_the_chain_of_stays_in_the_unit():
    rep = StaffFactory(is_case_sales=True)
    unit = UnitFactory(name="経理課")
    person = RegistrantFactory(birth_date=datetime.date(1990, 4, 1))
    job = JobFactory(case_sales=rep, unit=unit)
    # Three months' gap (not more) keeps the chain: the count started on 2024-01-15.
    _assignment(
        person, unit=unit, start=datetime.date(2024, 1, 15), end=datetime.date(2024, 12, 31)
    )
    _assignment(
        person, unit=unit, start=datetime.date(2025, 4, 1), end=datetime.date(2026, 12, 31), job=job
    )

    assert reminders.remind_conflict_dates(today=TODAY) == 1

    told = _emails(kind="conflict_date.individual").get()
    assert told.recipient == rep
    assert told.subject == f"個人単位の抵触日 2027-01-15：登録者 {person.ref}"
    assert f"（{person.ref}）は{unit}で2027-01-15に個人単位の3年の期間制限" in told.body


def test_no_individual_reminder_for_exempt_registrants_or_after_a_cooling_gap():
    unit = UnitFactory()
    indefinite = RegistrantFactory(agency_employment="indefinite")
    sixty = RegistrantFactory(birth_date=datetime.date(1966, 12, 1))
    cooled = RegistrantFactory()
    for person in (indefinite, sixty):
        _assignment(
            person, unit=unit, start=datetime.date(2024, 1, 15), end=datetime.date(2026, 12, 31)
        )
    _assignment(cooled, unit=unit, start=datetime.date(2024, 1, 15), end=datetime.date(2024, 9, 30))
    _assignment(cooled, unit=unit, start=datetime.date(2025, 1, 2), end=datetime.date(2026, 12, 31))

    assert reminders.remind_conflict_dates(today=TODAY) == 0


def test_a_gap_of_three_months_keeps_the_chain_and_one_day_more_restarts_it():
    first = (datetime.date(2024, 1, 15), datetime.date(2024, 9, 30))
    chained = [first, (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))]
    restarted = [first, (datetime.date(2025, 1, 2), datetime.date(2026, 12, 31))]

    assert reminders.individual_conflict_date(chained) == datetime.date(2027, 1, 15)
    assert reminders.individual_conflict_date(restarted) == datetime.date(2028, 1, 2)


# --- Applications waiting ------------------------------------------------------------------------


def test_applications_waiting_past_the_target_go_to_the_responsible_staff_once_a_day(
    coordinator,
):
    AgencySettings.objects.update_or_create(pk=1, defaults={"step_target_days": 5})
    rep = StaffFactory(is_case_sales=True, language="en")
    job = JobFactory(case_sales=rep, ref="J-WAIT", title="Accounting")
    waiting = workflow.start(
        job=job, registrant=RegistrantFactory(), status=Status.APPLIED, by=None
    )
    proposal = workflow.start(
        job=job,
        registrant=RegistrantFactory(),
        status=Status.PROPOSED,
        by=coordinator,
        proposed_by=coordinator,
    )
    fresh = workflow.start(job=job, registrant=RegistrantFactory(), status=Status.APPLIED, by=None)
    now = timezone.now()
    Application.objects.filter(pk__in=[waiting.pk, proposal.pk]).update(
        status_changed_at=now - datetime.timedelta(days=8)
    )
    Application.objects.filter(pk=fresh.pk).update(
        status_changed_at=now - datetime.timedelta(days=2)
    )

    assert reminders.remind_overdue_steps(now=now) == 2
    assert reminders.remind_overdue_steps(now=now + datetime.timedelta(hours=1)) == 0

    to_rep = _emails(kind="application.overdue", recipient=rep).get()
    assert to_rep.subject == "1 application is waiting longer than the target"
    assert f"[J-WAIT] Accounting — registrant {waiting.registrant.ref}: Applied, for 8 days" in (
        to_rep.body
    )
    to_coordinator = _emails(kind="application.overdue", recipient=coordinator).get()
    assert proposal.registrant.ref in to_coordinator.body
    assert waiting.registrant.ref not in to_coordinator.body


def test_an_application_without_anyone_responsible_goes_to_the_agency_admins():
    admin = StaffFactory(is_agency_admin=True)
    job = JobFactory(case_sales=None)
    application = workflow.start(
        job=job, registrant=RegistrantFactory(), status=Status.APPLIED, by=None
    )
    Application.objects.filter(pk=application.pk).update(status_changed_at=at("2026-11-01"))

    reminders.remind_overdue_steps(now=at("2026-11-27"))

    assert list(_emails(kind="application.overdue").values_list("recipient", flat=True)) == [
        admin.pk
    ]
