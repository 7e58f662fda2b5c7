"""The outbox against real Celery workers over Redis: exactly once, whatever happens."""

import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from jobs.models import Status
from staffing.models import Notification
from staffing.notifications import notify, sweep
from tests.factories import JobFactory, RegistrantFactory, StaffFactory, UserFactory

from .conftest import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _emails():
    return Notification.objects.filter(channel=Notification.Channel.EMAIL)


def test_an_event_produces_exactly_one_email(client, celery_worker):
    rep = StaffFactory(is_case_sales=True, email="rep@agency.example.jp")
    job = JobFactory(case_sales=rep, ref="J-ONCE", title="経理事務")
    registrant = RegistrantFactory()
    client.force_login(registrant.user)

    response = client.post(reverse("jobs:apply", args=[job.pk]))
    client.post(reverse("jobs:apply", args=[job.pk]))  # applying twice tells nobody anything new

    assert response.status_code == 302
    mails = celery_worker.wait_for(celery_worker.mails)
    celery_worker.wait_for(lambda: _emails().filter(status=Notification.State.SENT).exists())
    assert [mail["To"] for mail in mails] == ["rep@agency.example.jp"]
    assert mails[0]["Subject"] == "[J-ONCE] 応募済み"
    assert list(_emails().values_list("recipient__email", "status", "attempts")) == [
        ("rep@agency.example.jp", "sent", 1)
    ]
    assert sweep() == 0  # nothing left for the sweep to send again


def test_a_worker_killed_in_the_middle_of_delivery_leads_to_exactly_one_email(
    workers, private_redis, settings
):
    settings.OUTBOX_GRACE_SECONDS = 1
    recipient = UserFactory(email="hanako@example.jp")
    first = workers.start(visibility_timeout=3)

    with transaction.atomic():
        notify(
            recipient=recipient,
            kind="welcome",
            event_key="kill-test",
            template="welcome",
            context={"registrant": RegistrantFactory.build(family_name="鈴木", given_name="花子")},
        )
    wait_for(workers.deliveries_started)  # the worker holds the row and is inside the backend
    email = _emails().get()
    with (
        pytest.raises(Exception, match="could not obtain lock"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT id FROM staffing_notification WHERE id = %s FOR UPDATE NOWAIT", [email.pk]
        )

    first.kill()
    workers.open_gate()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 0)  # the killed attempt rolled back

    # The new worker hands out again, when it starts, what a dead one held for longer than the
    # visibility timeout; let the killed worker's message get that old, so both ways back race.
    wait_for(lambda: private_redis.oldest_unacked_age() > 4)
    workers.start(beat=True, visibility_timeout=3)
    wait_for(lambda: _emails().filter(status=Notification.State.SENT).exists())
    # Both ways back have run: the sweep, and the killed worker's unacknowledged message that
    # Redis hands out again after the visibility timeout. Neither may send a second copy.
    wait_for(
        lambda: (
            private_redis.count("hlen", "unacked") == 0
            and private_redis.count("llen", "nakadachi") == 0
        ),
        timeout=90,
    )

    mails = workers.mails()
    assert [(mail["To"], mail["Subject"]) for mail in mails] == [
        ("hanako@example.jp", "仲立ちへようこそ")
    ]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert sweep() == 0


def test_with_redis_stopped_twenty_applications_succeed_and_are_all_delivered_after_it_returns(
    client, workers, private_redis, settings
):
    settings.OUTBOX_GRACE_SECONDS = 1
    workers.open_gate()
    workers.start(beat=True)
    rep = StaffFactory(is_case_sales=True, email="rep@agency.example.jp")
    job = JobFactory(case_sales=rep, ref="J-OUTAGE", headcount=20)
    registrants = RegistrantFactory.create_batch(20)
    private_redis.stop()

    durations, answers = [], []
    for registrant in registrants:
        client.force_login(registrant.user)
        started = time.monotonic()
        answers.append(client.post(reverse("jobs:apply", args=[job.pk])).status_code)
        durations.append(time.monotonic() - started)

    assert answers == [302] * 20
    assert job.applications.filter(status=Status.APPLIED).count() == 20
    assert _emails().filter(status=Notification.State.PENDING).count() == 20
    # Publishing gives up within a fraction of a second; the request never waits on Redis.
    assert max(durations) < 3.0, durations

    private_redis.start()
    wait_for(lambda: len(workers.mails()) >= 20, timeout=120)
    wait_for(lambda: not _emails().exclude(status=Notification.State.SENT).exists())

    mails = workers.mails()
    assert len(mails) == 20
    assert {mail["To"] for mail in mails} == {"rep@agency.example.jp"}
    assert sorted(mail["Subject"] for mail in mails) == ["[J-OUTAGE] 応募済み"] * 20
    assert set(_emails().values_list("status", "attempts")) == {("sent", 1)}
