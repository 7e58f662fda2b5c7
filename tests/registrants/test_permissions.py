"""A registrant reaches only their own records, and a case's confidential part only once their
application passed internal screening."""

import datetime

import pytest
from django.urls import reverse

from jobs import workflow
from jobs.models import Application, Match, Status
from registrants.models import DirectEmployment

from ..factories import RegistrantFactory
from .conftest import move, page_text

SECRETS = ["財務経理部 経理課", "売掛金チーム 5名", "産休代替", "書類選考なし", "勘定奉行の経験者"]


@pytest.fixture
def other(db):
    return RegistrantFactory(family_name="別人", given_name="次郎", phone="090-1111-2222")


@pytest.fixture
def others_application(other, accounting_job):
    return workflow.start(
        job=accounting_job, registrant=other, status=Status.APPLIED, by=other.user
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "registrants:application",
        "registrants:proposal",
    ],
)
def test_another_registrants_application_is_not_there(my_client, others_application, name):
    assert my_client.get(reverse(name, args=[others_application.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("registrants:withdraw", {"withdraw-reason": "x"}),
        ("registrants:request_visit", {}),
        ("registrants:accept_offer", {}),
        ("registrants:decline_offer", {"decline-reason": "x"}),
        ("registrants:accept_proposal", {}),
        ("registrants:decline_proposal", {"decline-reason": "pay"}),
    ],
)
def test_a_registrant_cannot_act_on_another_registrants_application(
    my_client, others_application, name, data
):
    response = my_client.post(reverse(name, args=[others_application.pk]), data)

    assert response.status_code == 404
    others_application.refresh_from_db()
    assert others_application.status == Status.APPLIED
    assert others_application.events.count() == 1


@pytest.mark.django_db
def test_lists_and_my_data_hold_only_my_own_records(my_client, me, other, others_application):
    Match.objects.create(job=others_application.job, registrant=other, score=99, eligible=True)
    DirectEmployment.objects.create(
        registrant=other,
        employer_corporate_number="1234567890123",
        employer_name="別人の勤務先",
        start=datetime.date(2019, 4, 1),
    )

    pages = [
        page_text(my_client.get(reverse(name)))
        for name in [
            "registrants:dashboard",
            "registrants:matches",
            "registrants:applications",
            "registrants:proposals",
            "registrants:profile",
            "registrants:my_data",
        ]
    ]
    export = my_client.get(reverse("registrants:export_data")).content.decode()

    for text in [*pages, export]:
        for theirs in ["別人", "090-1111-2222", "別人の勤務先", other.ref]:
            assert theirs not in text
    assert "経理事務（仕訳・売掛金）" not in pages[2]


@pytest.mark.django_db
def test_a_registrant_cannot_remove_another_registrants_employment_record(my_client, other):
    record = DirectEmployment.objects.create(
        registrant=other,
        employer_corporate_number="1234567890123",
        employer_name="別人の勤務先",
        start=datetime.date(2019, 4, 1),
    )

    response = my_client.post(reverse("registrants:remove_employment", args=[record.pk]))

    assert response.status_code == 404
    assert DirectEmployment.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("steps", "shown"),
    [
        ((), False),
        ((Status.SCREENING,), False),
        ((Status.SCREENING, Status.NOT_PASSED), False),
        ((Status.SCREENING, Status.PASSED), True),
        ((Status.SCREENING, Status.PASSED, Status.VISIT_REQUESTED), True),
    ],
)
def test_the_confidential_part_opens_only_once_screening_is_passed(
    my_client, me, accounting_job, case_sales, steps, shown
):
    application = workflow.start(
        job=accounting_job, registrant=me, status=Status.APPLIED, by=me.user
    )
    for step in steps:
        if step == Status.VISIT_REQUESTED:
            workflow.transition(application, step, by=me.user)
        else:
            move(application, step, by=case_sales)

    pages = [
        page_text(my_client.get(reverse("jobs:detail", args=[accounting_job.pk]))),
        page_text(my_client.get(reverse("registrants:application", args=[application.pk]))),
    ]

    for text in pages:
        assert all((secret in text) is shown for secret in SECRETS), text
        assert ("非公開情報 社内選考を通過したため開示しています。" in text) is shown


@pytest.mark.django_db
def test_someone_elses_passed_screening_opens_nothing_for_me(
    my_client, me, accounting_job, other, case_sales
):
    theirs = workflow.start(
        job=accounting_job, registrant=other, status=Status.APPLIED, by=other.user
    )
    move(theirs, Status.SCREENING, Status.PASSED, by=case_sales)
    mine = workflow.start(job=accounting_job, registrant=me, status=Status.APPLIED, by=me.user)

    for url in [
        reverse("jobs:detail", args=[accounting_job.pk]),
        reverse("registrants:application", args=[mine.pk]),
    ]:
        text = page_text(my_client.get(url))
        assert not any(secret in text for secret in SECRETS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "case_sales", "service_sales", "agency_admin"])
@pytest.mark.parametrize(
    "name",
    [
        "registrants:dashboard",
        "registrants:matches",
        "registrants:applications",
        "registrants:proposals",
        "registrants:profile",
        "registrants:my_data",
        "registrants:export_data",
    ],
)
def test_staff_have_no_registrant_pages(client, request, role, name):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("registrants:my_data"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/data/"
    assert Application.objects.count() == 0
