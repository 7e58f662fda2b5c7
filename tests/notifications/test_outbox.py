"""The outbox: rows written with the event, each event once per channel, retries with backoff."""

import datetime
from email.policy import SMTP as SMTP_POLICY
from email.utils import parseaddr

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from staffing import notifications
from staffing.models import Notification
from tests.factories import RegistrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _welcome(user, key="welcome-test"):
    return notifications.notify(
        recipient=user,
        kind="welcome",
        event_key=key,
        template="welcome",
        context={"registrant": RegistrantFactory.build(family_name="O'Neil & 鈴木")},
        url="/me/",
    )


def test_notify_writes_an_in_app_row_and_an_email_row_in_the_recipients_language():
    user = UserFactory(email="hanako@example.jp", language="en")

    rows = _welcome(user)

    assert sorted((row.channel, row.status) for row in rows) == [
        ("email", "pending"),
        ("in_app", "sent"),
    ]
    email = Notification.objects.get(channel="email")
    assert email.subject == "Welcome to Nakadachi"
    # Plain text is not HTML-escaped: the name reads as written.
    assert email.body.startswith("Dear O'Neil & 鈴木 花子")
    assert email.next_attempt_at > timezone.now()


def test_the_same_event_is_notified_once_per_channel():
    user = UserFactory()

    first = _welcome(user)
    again = _welcome(user)

    assert len(first) == 2
    assert again == []
    assert Notification.objects.filter(recipient=user).count() == 2


def test_a_rolled_back_event_leaves_no_notification_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _welcome(user)
        raise RuntimeError("the event failed")

    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mailoutbox == []


def test_after_commit_the_email_is_sent_once_with_a_stable_message_id(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="hanako@example.jp")

    with django_capture_on_commit_callbacks(execute=True):
        _welcome(user)

    email = Notification.objects.get(channel="email")
    assert (email.status, email.attempts, email.next_attempt_at) == ("sent", 1, None)
    assert [message.to for message in mailoutbox] == [["hanako@example.jp"]]
    assert mailoutbox[0].subject == "仲立ちへようこそ"
    assert mailoutbox[0].extra_headers["Message-ID"] == notifications.message_id(email)
    assert notifications.deliver(notification_id=email.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_no_email_row_for_an_inactive_recipient_or_one_without_address():
    inactive = UserFactory(is_active=False)
    _welcome(inactive, key="a")

    assert list(Notification.objects.values_list("channel", flat=True)) == ["in_app"]


class _Broken:
    """A mail backend that is down."""

    def __init__(self):
        self.calls = 0

    def send_messages(self, messages):
        self.calls += 1
        raise ConnectionRefusedError("mail server down")


def test_a_failed_attempt_is_recorded_and_retried_after_a_growing_delay():
    user = UserFactory()
    _welcome(user)
    email = Notification.objects.get(channel="email")
    backend = _Broken()

    outcomes, delays = [], []
    for _attempt in range(3):
        before = timezone.now()
        outcomes.append(notifications.deliver(notification_id=email.pk, connection=backend))
        email.refresh_from_db()
        delays.append(round((email.next_attempt_at - before).total_seconds() / 60))

    assert outcomes == ["retry", "retry", "retry"]
    assert delays == [1, 2, 4]
    assert (email.status, email.attempts) == ("pending", 3)
    assert email.last_error == "ConnectionRefusedError: mail server down"


def test_after_the_last_attempt_the_email_is_marked_failed():
    user = UserFactory()
    _welcome(user)
    email = Notification.objects.get(channel="email")
    Notification.objects.filter(pk=email.pk).update(attempts=notifications.MAX_ATTEMPTS - 1)

    outcome = notifications.deliver(notification_id=email.pk, connection=_Broken())

    email.refresh_from_db()
    assert outcome == "failed"
    assert (email.status, email.attempts, email.next_attempt_at) == (
        "failed",
        notifications.MAX_ATTEMPTS,
        None,
    )
    assert notifications.backlog_summary()["failed"] == 1


def test_an_email_whose_recipient_left_meanwhile_fails_without_retrying(mailoutbox):
    user = UserFactory()
    _welcome(user)
    user.is_active = False
    user.save()
    email = Notification.objects.get(channel="email")

    assert notifications.deliver(notification_id=email.pk) == "failed"

    email.refresh_from_db()
    assert (email.status, email.last_error) == (
        "failed",
        "the recipient has no active e-mail address",
    )
    assert mailoutbox == []


def test_the_retry_delay_doubles_up_to_two_hours():
    assert [notifications.retry_delay(n) for n in (1, 2, 3, 8, 20)] == [
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=2),
        datetime.timedelta(minutes=4),
        datetime.timedelta(hours=2),
        datetime.timedelta(hours=2),
    ]


def test_the_sweep_queues_only_emails_that_are_due_and_gives_them_a_fresh_grace(
    monkeypatch, settings
):
    settings.OUTBOX_GRACE_SECONDS = 120
    now = timezone.now()
    users = UserFactory.create_batch(3)
    for index, user in enumerate(users):
        _welcome(user, key=f"sweep-{index}")
    emails = list(Notification.objects.filter(channel="email").order_by("pk"))
    Notification.objects.filter(pk=emails[0].pk).update(next_attempt_at=now - datetime.timedelta(1))
    Notification.objects.filter(pk=emails[1].pk).update(next_attempt_at=now + datetime.timedelta(1))
    Notification.objects.filter(pk=emails[2].pk).update(status=Notification.State.SENT)
    queued = []
    monkeypatch.setattr(notifications, "enqueue_delivery", lambda ids: queued.append(ids) or True)

    assert notifications.sweep(now=now) == 1

    assert queued == [[emails[0].pk]]
    emails[0].refresh_from_db()
    assert emails[0].next_attempt_at == now + datetime.timedelta(seconds=120)
    assert notifications.sweep(now=now) == 0  # not again until the grace has passed


def test_the_sweep_stops_at_a_broker_that_refuses_and_leaves_the_emails_due(monkeypatch):
    now = timezone.now()
    for index, user in enumerate(UserFactory.create_batch(3)):
        _welcome(user, key=f"down-{index}")
    Notification.objects.filter(channel="email").update(next_attempt_at=now)
    calls = []
    monkeypatch.setattr(notifications, "enqueue_delivery", lambda ids: calls.append(ids) and False)

    assert notifications.sweep(now=now, limit=10) == 0

    assert len(calls) == 1
    assert Notification.objects.due(now).count() == 3


def test_a_batch_is_delivered_over_one_connection(mailoutbox):
    users = UserFactory.create_batch(3)
    for index, user in enumerate(users):
        _welcome(user, key=f"batch-{index}")
    ids = list(Notification.objects.filter(channel="email").values_list("pk", flat=True))

    counts = notifications.deliver_many(notification_ids=[*ids, ids[0]])

    assert counts == {"sent": 3, "retry": 0, "failed": 0, "skipped": 1}
    assert sorted(parseaddr(m.to[0])[1] for m in mailoutbox) == sorted(u.email for u in users)


def test_a_long_unsubscribe_url_stays_one_readable_header_line():
    user = UserFactory(email="hanako@example.jp")
    url = "https://portal.nakadachi-staffing.example.jp/alerts/" + "x" * 60 + "/"
    notifications.notify(
        recipient=user,
        kind="welcome",
        event_key="header",
        template="welcome",
        context={"registrant": RegistrantFactory.build()},
        headers={"List-Unsubscribe": f"<{url}>"},
    )
    email = Notification.objects.get(channel="email")

    raw = notifications._email(email).message(policy=SMTP_POLICY).as_bytes()

    assert f"List-Unsubscribe: <{url}>\r\n".encode() in raw
    assert mail.outbox == []
