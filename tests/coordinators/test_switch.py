"""The agency switches coordinators off and on: coordinator pages go and come back, proposals
stop and resume, self-applications reach the sales rep either way, and nothing else breaks."""

import pytest
from django.urls import reverse

from coordinators import services
from jobs import services as job_services
from jobs.models import Application, Duty, JobDuty, Match, Status
from registrants.models import DutyExperience
from staffing.models import AgencySettings

from ..factories import JobFactory, RegistrantFactory

pytestmark = pytest.mark.django_db


def _switch(on: bool):
    AgencySettings.objects.update_or_create(pk=1, defaults={"uses_coordinators": on})


@pytest.fixture
def setting(case_sales):
    job = JobFactory(case_sales=case_sales)
    job.duties.create(
        duty=Duty.objects.get(code="journal_entry"), kind=JobDuty.Kind.REQUIRED, min_months=0
    )
    registrant = RegistrantFactory()
    DutyExperience.objects.create(
        registrant=registrant, duty=Duty.objects.get(code="journal_entry"), months=24
    )
    Match.objects.create(job=job, registrant=registrant, score=80, eligible=True)
    return job, registrant


def _coordinator_pages(job, registrant):
    return [
        reverse("coordinators:workspace"),
        reverse("coordinators:candidates", args=[job.pk]),
        reverse("coordinators:contact_log", args=[registrant.pk]),
    ]


def _nav(client):
    return [
        str(label) for label, _url in client.get(reverse("staffing:home")).context["navigation"]
    ]


def test_switching_coordinators_off_removes_their_pages_and_proposals(
    client, setting, coordinator, case_sales
):
    job, registrant = setting
    _switch(False)
    client.force_login(coordinator)

    assert [client.get(url).status_code for url in _coordinator_pages(job, registrant)] == [
        404,
        404,
        404,
    ]
    response = client.post(
        reverse("coordinators:propose", args=[job.pk]),
        {"registrant": [registrant.pk], "message": "ぜひ"},
    )
    assert response.status_code == 404
    assert "コーディネーター" not in " ".join(_nav(client))
    with pytest.raises(services.ProposalRefused):
        services.propose_job(
            job=job, registrant=registrant, by=coordinator, message="ぜひ", caveats_stated=False
        )
    assert Application.objects.count() == 0


def test_without_coordinators_the_rep_gets_self_applications_directly(client, setting, case_sales):
    job, registrant = setting
    _switch(False)
    application, _created = job_services.apply_to_job(
        job=job, registrant=registrant, by=registrant.user
    )
    client.force_login(case_sales)

    board = client.get(reverse("jobs:pipeline", args=[job.pk]))
    statuses = [column.status for column in board.context["columns"]]
    assert Status.PROPOSED not in statuses
    [card] = next(c.cards for c in board.context["columns"] if c.status == Status.APPLIED)
    assert card.pk == application.pk

    client.post(
        reverse("jobs:application_move", args=[application.pk]),
        {"action": "screen", "view": "board", "scope": job.pk},
    )
    assert Application.objects.get(pk=application.pk).status == Status.SCREENING
    detail = client.get(reverse("jobs:case_detail", args=[job.pk]))
    assert detail.status_code == 200
    assert reverse("coordinators:candidates", args=[job.pk]) not in detail.content.decode()
    assert client.get(reverse("jobs:staff_cases")).status_code == 200


def test_switching_coordinators_back_on_restores_pages_and_proposals(client, setting, coordinator):
    job, registrant = setting
    _switch(False)
    _switch(True)
    client.force_login(coordinator)

    assert [client.get(url).status_code for url in _coordinator_pages(job, registrant)] == [
        200,
        200,
        200,
    ]
    assert "コーディネーター業務" in _nav(client)
    client.post(
        reverse("coordinators:propose", args=[job.pk]),
        {"registrant": [registrant.pk], "message": "仕訳の経験が活きます。"},
    )
    assert list(Application.objects.values_list("registrant_id", "status", "origin")) == [
        (registrant.pk, Status.PROPOSED, "proposed")
    ]
