"""Offers, acceptance and a case filling up — including under concurrent acceptance."""

import datetime
import threading

import pytest
from django.db import connection

from jobs import services, workflow
from jobs.models import Application, Assignment, Job, Status

from ..factories import JobFactory, RegistrantFactory


def _offered(job, count):
    applications = []
    for _ in range(count):
        application = workflow.start(
            job=job, registrant=RegistrantFactory(), status=Status.APPLIED, by=None
        )
        Application.objects.filter(pk=application.pk).update(
            status=Status.OFFERED,
            offer_start=datetime.date(2027, 1, 4),
            offer_end=datetime.date(2027, 3, 31),
            offer_hourly_wage=1650,
            offer_bill_rate=2400,
        )
        applications.append(application)
    return applications


@pytest.mark.django_db
def test_applying_twice_does_nothing_new():
    job = JobFactory()
    registrant = RegistrantFactory()

    first, created = services.apply_to_job(job=job, registrant=registrant, by=registrant.user)
    second, created_again = services.apply_to_job(
        job=job, registrant=registrant, by=registrant.user
    )

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert list(first.events.values_list("to_status", flat=True)) == ["applied"]


@pytest.mark.django_db
def test_accepting_an_offer_makes_the_assignment_with_the_offered_terms():
    job = JobFactory(headcount=2)
    [application] = _offered(job, 1)

    assignment = services.accept_offer(application=application, by=application.registrant.user)

    assert (
        assignment.registrant,
        assignment.unit,
        assignment.start,
        assignment.end,
        assignment.hourly_wage,
        assignment.hourly_bill_rate,
    ) == (
        application.registrant,
        job.unit,
        datetime.date(2027, 1, 4),
        datetime.date(2027, 3, 31),
        1650,
        2400,
    )
    application.refresh_from_db()
    assert (application.status, application.assignment) == (Status.ACCEPTED, assignment)
    job.refresh_from_db()
    assert job.status == Job.Status.OPEN


@pytest.mark.django_db
def test_filling_the_last_place_closes_the_case_and_stops_the_others_courteously(
    django_capture_on_commit_callbacks, mailoutbox
):
    job = JobFactory(headcount=1)
    first, second = _offered(job, 2)
    waiting = workflow.start(
        job=job, registrant=RegistrantFactory(), status=Status.APPLIED, by=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_offer(application=first, by=first.registrant.user)

    job.refresh_from_db()
    assert job.status == Job.Status.FILLED
    assert set(Application.objects.values_list("registrant_id", "status")) == {
        (first.registrant_id, Status.ACCEPTED),
        (second.registrant_id, Status.CASE_FILLED),
        (waiting.registrant_id, Status.CASE_FILLED),
    }
    filled_mail = [m for m in mailoutbox if m.to == [waiting.registrant.email]]
    assert len(filled_mail) == 1
    assert "この案件は募集人数に達しました。ご応募ありがとうございました。" in filled_mail[0].body


@pytest.mark.django_db
def test_an_offer_cannot_be_accepted_once_the_case_is_filled():
    job = JobFactory(headcount=1)
    first, second = _offered(job, 2)
    services.accept_offer(application=first, by=first.registrant.user)
    second.refresh_from_db()

    with pytest.raises(workflow.TransitionRefused):
        services.accept_offer(application=second, by=second.registrant.user)
    assert Assignment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_acceptances_on_a_case_for_three_make_exactly_three_assignments():
    job = JobFactory(headcount=3)
    applications = _offered(job, 30)
    barrier = threading.Barrier(len(applications))
    outcomes: list[str] = []

    def accept(application):
        try:
            barrier.wait()
            services.accept_offer(application=application, by=application.registrant.user)
            outcomes.append("accepted")
        except (services.PlacementRefused, workflow.TransitionRefused):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted"] * 3 + ["refused"] * 27
    assert Assignment.objects.filter(job=job).count() == 3
    job.refresh_from_db()
    assert job.status == Job.Status.FILLED
    statuses = list(Application.objects.filter(job=job).values_list("status", flat=True))
    assert sorted(set(statuses)) == [Status.ACCEPTED, Status.CASE_FILLED]
    assert statuses.count(Status.ACCEPTED) == 3
