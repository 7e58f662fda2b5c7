"""Each step of an application tells whom it concerns — registrant, case sales rep, the
coordinator who proposed — once, in their own language."""

import pytest

from jobs import workflow
from jobs.models import Status
from staffing.models import Notification
from tests.factories import JobFactory, RegistrantFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _told(status):
    return {
        (n.recipient.display_name, n.subject)
        for n in Notification.objects.filter(channel="email", kind=f"application.{status}")
    }


@pytest.fixture
def proposal():
    rep = StaffFactory(is_case_sales=True, display_name="営業 太郎", language="en")
    coordinator = StaffFactory(is_coordinator=True, display_name="調整 花子")
    job = JobFactory(case_sales=rep, ref="J-100", title="経理事務")
    registrant = RegistrantFactory(user__display_name="山田 花子")
    return workflow.start(
        job=job,
        registrant=registrant,
        status=Status.PROPOSED,
        by=coordinator,
        proposed_by=coordinator,
        proposal_message="月次決算の経験が活かせます",
    )


def test_a_proposal_is_told_to_the_registrant_only(proposal):
    assert _told("proposed") == {("山田 花子", "経理事務：紹介中")}


def test_the_registrants_answer_is_told_to_the_rep_in_english_and_to_the_coordinator(proposal):
    workflow.transition(proposal, Status.APPLIED, by=proposal.registrant.user)

    assert _told("applied") == {("営業 太郎", "[J-100] Applied"), ("調整 花子", "[J-100] 応募済み")}


def test_a_decline_reaches_the_coordinator_with_the_reason(proposal):
    workflow.transition(proposal, Status.DECLINED, by=proposal.registrant.user, note="遠すぎます")

    to_coordinator = Notification.objects.get(
        channel="email", kind="application.declined", recipient=proposal.proposed_by
    )
    assert "遠すぎます" in to_coordinator.body
    assert "山田" not in to_coordinator.body  # staff mails name the registrant by reference


def test_screening_steps_reach_the_registrant_but_not_the_coordinator(proposal):
    rep = proposal.job.case_sales
    workflow.transition(proposal, Status.APPLIED, by=proposal.registrant.user)
    workflow.transition(proposal, Status.SCREENING, by=rep)
    workflow.transition(proposal, Status.NOT_PASSED, by=rep, note="必須の経験が不足")

    assert _told("screening") == {("山田 花子", "経理事務：社内選考中")}
    assert {name for name, _subject in _told("not_passed")} == {"山田 花子", "調整 花子"}


def test_a_coordinator_who_is_also_the_rep_is_told_once(proposal):
    both = proposal.job.case_sales
    both.is_coordinator = True
    both.save()
    proposal.proposed_by = both
    proposal.save()

    workflow.transition(proposal, Status.APPLIED, by=proposal.registrant.user)

    assert Notification.objects.filter(recipient=both, kind="application.applied").count() == 2
