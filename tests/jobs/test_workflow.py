"""The placement workflow: every allowed and forbidden move, who may make it, and the record."""

import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from jobs import workflow
from jobs.models import Application, ApplicationEvent, Status
from staffing.models import Notification

from ..factories import JobFactory, RegistrantFactory, StaffFactory

ALLOWED = sorted(
    (source, target) for source, targets in workflow.TRANSITIONS.items() for target in targets
)
FORBIDDEN = sorted(
    (source, target)
    for source, target in itertools.product(Status, Status)
    if target not in workflow.TRANSITIONS[source]
)


def _mover(application, target):
    kind = workflow.MOVERS.get(target)
    if kind == workflow.REGISTRANT:
        return application.registrant.user
    if kind == workflow.SALES:
        return application.job.case_sales
    return None


def _application_in(status, **job_fields):
    job = JobFactory(**job_fields)
    application = workflow.start(
        job=job, registrant=RegistrantFactory(), status=Status.APPLIED, by=None
    )
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def test_the_table_names_every_status_and_every_target_has_a_mover():
    assert set(workflow.TRANSITIONS) == set(Status)
    targets = set().union(*workflow.TRANSITIONS.values())
    assert targets <= set(workflow.MOVERS)
    assert workflow.FINAL == {
        Status.ACCEPTED,
        Status.DECLINED,
        Status.NOT_PASSED,
        Status.WITHDRAWN,
        Status.CLIENT_DECLINED,
        Status.CASE_FILLED,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: str(s))
def test_allowed_move_is_made_and_recorded(source, target):
    application = _application_in(source)
    by = _mover(application, target)

    workflow.transition(application, target, by=by, note="理由のメモ")

    assert application.status == target
    event = application.events.last()
    assert (event.from_status, event.to_status, event.by, event.note) == (
        source,
        target,
        by,
        "理由のメモ",
    )
    if target in workflow.STOPPING:
        assert application.stop_reason == "理由のメモ"


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), FORBIDDEN, ids=lambda s: str(s))
def test_forbidden_move_is_refused_with_a_reason_and_nothing_changes(source, target):
    application = _application_in(source)
    events_before = ApplicationEvent.objects.count()

    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(application, target, by=_mover(application, target), note="x")

    assert str(refused.value) == (
        f"「{Status(source).label}」の応募を「{Status(target).label}」にすることはできません。"
    )
    application.refresh_from_db()
    assert application.status == source
    assert ApplicationEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_sales_move_by_the_registrant_is_refused():
    application = _application_in(Status.SCREENING)
    with pytest.raises(PermissionDenied):
        workflow.transition(application, Status.PASSED, by=application.registrant.user)
    application.refresh_from_db()
    assert application.status == Status.SCREENING


@pytest.mark.django_db
def test_another_registrant_cannot_withdraw_someone_elses_application():
    application = _application_in(Status.APPLIED)
    stranger = RegistrantFactory().user
    with pytest.raises(PermissionDenied):
        workflow.transition(application, Status.WITHDRAWN, by=stranger, note="x")


@pytest.mark.django_db
def test_another_cases_sales_rep_cannot_screen():
    application = _application_in(Status.APPLIED)
    other_rep = StaffFactory(is_case_sales=True)
    with pytest.raises(PermissionDenied):
        workflow.transition(application, Status.SCREENING, by=other_rep)


@pytest.mark.django_db
def test_stopping_without_a_reason_is_refused():
    application = _application_in(Status.SCREENING)
    with pytest.raises(workflow.TransitionRefused, match="理由を入力してください"):
        workflow.transition(application, Status.NOT_PASSED, by=application.job.case_sales)


@pytest.mark.django_db
def test_confidential_part_unlocks_when_screening_is_passed():
    application = _application_in(Status.SCREENING)
    assert not application.confidential_unlocked
    workflow.transition(application, Status.PASSED, by=application.job.case_sales)
    assert application.confidential_unlocked


@pytest.mark.django_db
def test_the_registrant_is_told_of_a_step_in_their_language(django_capture_on_commit_callbacks):
    application = _application_in(Status.SCREENING)
    application.registrant.user.language = "en"
    application.registrant.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(application, Status.PASSED, by=application.job.case_sales)

    notifications = Notification.objects.filter(
        recipient=application.registrant.user, kind="application.passed"
    )
    assert sorted(notifications.values_list("channel", flat=True)) == ["email", "in_app"]
    assert [m.subject for m in mail.outbox] == ["経理事務（月次決算補助あり）: Passed screening"]
    assert "The confidential details of the case are now open to you" in mail.outbox[0].body
