"""The outbox: notifications written with the event, delivered by the workers exactly once.

A notification row is written inside the caller's transaction, so an event and the news of it
commit or roll back together. Every notification has an in-portal row (shown at once) and, when
the recipient has an address, an e-mail row that a Celery worker delivers:

- Right after commit the e-mail is queued (``enqueue_delivery``). If the broker is down the
  request still succeeds at once: publishing gives up after a fraction of a second.
- ``deliver`` sends one e-mail while holding its row locked, and marks it sent in the same
  transaction. A second worker skips a locked row; a worker killed mid-way releases the lock with
  its connection, the row is still waiting, and it is delivered again. Sent rows are never sent
  twice. (A crash in the instant between the mail server accepting the message and the commit
  is the one window left: the stable ``Message-ID`` lets the receiving side drop that duplicate.)
- A failed attempt is recorded (attempts, last error) and the next one is due after a backoff;
  after ``MAX_ATTEMPTS`` the e-mail is marked failed and stays visible in the backlog views.
- ``sweep`` (every minute, from beat) queues whatever is due: e-mails whose message was lost
  (broker down, worker killed) and those waiting for their next attempt. Retries are scheduled
  by the database rather than by broker countdowns, so they survive a Redis restart.
"""

import email.policy
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, connection, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from psycopg.types.json import Jsonb

from .models import Notification, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
SWEEP_BATCH = 200  # e-mails per delivery task queued by the sweep
SWEEP_LIMIT = 20_000  # e-mails queued per sweep run; the next run takes the rest


def grace() -> timedelta:
    """How long a queued e-mail may wait before the sweep queues it again (see OUTBOX_GRACE)."""
    return timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the n-th failed attempt, at most two hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template: no HTML escaping, since no browser will read it."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def render(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """Subject and body of ``emails/<template>_subject.txt`` and ``.txt`` in ``language``."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_text(f"emails/{template}_subject.txt", context)
        body = render_text(f"emails/{template}.txt", context)
    subject = " ".join(subject.split())
    return subject[:200], body


def wants_email(recipient: User) -> bool:
    return bool(recipient.email) and recipient.is_active


def outbox_rows(
    *,
    recipient: User,
    kind: str,
    event_key: str,
    subject: str,
    body: str,
    url: str = "",
    email: bool = True,
    headers: dict | None = None,
    now=None,
) -> list[Notification]:
    """The unsaved rows of one notification: in the portal, and by e-mail when wanted."""
    now = now or timezone.now()
    common = {
        "recipient": recipient,
        "kind": kind,
        "event_key": event_key,
        "subject": subject,
        "body": body,
        "url": url,
        "created_at": now,
    }
    rows = [
        Notification(
            channel=Notification.Channel.IN_APP,
            status=Notification.State.SENT,
            sent_at=now,
            **common,
        )
    ]
    if email and wants_email(recipient):
        rows.append(
            Notification(
                channel=Notification.Channel.EMAIL,
                status=Notification.State.PENDING,
                next_attempt_at=now + grace(),
                headers=headers or {},
                **common,
            )
        )
    return rows


def notify(
    *,
    recipient: User,
    kind: str,
    event_key: str,
    template: str,
    context: dict,
    url: str = "",
    email: bool = True,
    headers: dict | None = None,
) -> list[Notification]:
    """Queue ``template`` (``emails/<template>_subject.txt`` and ``.txt``) for ``recipient``.

    Rendered in the recipient's language; one row per channel, never two for the same event:
    calling it again with the same ``event_key`` returns ``[]``.
    """
    if Notification.objects.filter(recipient=recipient, event_key=event_key).exists():
        return []
    subject, body = render(template, context, language=recipient.language)
    rows = outbox_rows(
        recipient=recipient,
        kind=kind,
        event_key=event_key,
        subject=subject,
        body=body,
        url=url,
        email=email,
        headers=headers,
    )
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue  # a concurrent call notified this event on this channel first
        created.append(row)
        if row.channel == Notification.Channel.EMAIL:
            transaction.on_commit(lambda pk=row.pk: enqueue_delivery([pk]), robust=True)
    return created


def notify_bulk(rows: list[Notification], *, batch: int = SWEEP_BATCH) -> list[int]:
    """Write many prepared rows at once (digests); their e-mails are queued in batches on commit.
    Returns the ids of the e-mail rows.

    The caller makes sure no row repeats an event already notified: one duplicate fails the
    whole write, which is what a transaction around a batch wants.
    """
    if not rows:
        return []
    if connection.vendor == "postgresql":
        copy_rows(Notification, _COLUMNS, [_values(row) for row in rows])
        email_ids = list(
            Notification.objects.filter(
                recipient_id__in={row.recipient_id for row in rows},
                event_key__in={row.event_key for row in rows},
                channel=Notification.Channel.EMAIL,
            ).values_list("pk", flat=True)
        )
    else:
        created = Notification.objects.bulk_create(rows, batch_size=1000)
        email_ids = [row.pk for row in created if row.channel == Notification.Channel.EMAIL]
    for start in range(0, len(email_ids), batch):
        chunk = email_ids[start : start + batch]
        transaction.on_commit(lambda ids=chunk: enqueue_delivery(ids), robust=True)
    return email_ids


_COLUMNS = (
    "recipient_id", "channel", "kind", "event_key", "subject", "body", "url", "status",
    "attempts", "last_error", "created_at", "sent_at", "read_at", "next_attempt_at", "headers",
)  # fmt: skip


def _values(row: Notification) -> tuple:
    values = tuple(getattr(row, name) for name in _COLUMNS)
    return values[:-1] + (Jsonb(row.headers),)


def copy_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` with PostgreSQL's COPY: for the daily bulk writes (digests), several
    times faster than INSERT and without building a model instance per row."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def enqueue_delivery(notification_ids: list[int]) -> bool:
    """Hand e-mails to the workers. False if the broker is unreachable (the sweep will)."""
    from .tasks import task_deliver_notification, task_deliver_notifications

    try:
        if len(notification_ids) == 1:
            task_deliver_notification.delay(notification_id=notification_ids[0])
        else:
            task_deliver_notifications.delay(notification_ids=list(notification_ids))
    except Exception:  # any broker failure: the outbox keeps the e-mail
        logger.warning(
            "could not queue %d e-mail(s) (first %s); the outbox sweep will deliver them",
            len(notification_ids),
            notification_ids[0] if notification_ids else None,
        )
        return False
    return True


def message_id(notification: Notification) -> str:
    """Stable per notification, so a receiving server can drop a re-sent copy."""
    domain = urlsplit(settings.SITE_URL).hostname or "nakadachi.invalid"
    return f"<notification-{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@{domain}>"


class _WholeUrlPolicy(email.policy.EmailPolicy):
    """Fold headers as usual, except those holding one long URL: folding turns them into RFC 2047
    encoded words, and mail clients then no longer find the one-click unsubscribe link."""

    whole = frozenset({"list-unsubscribe"})

    def fold(self, name, value):
        if name.lower() in self.whole:
            return email.policy.EmailPolicy.fold(self.clone(max_line_length=998), name, value)
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in self.whole:
            wide = self.clone(max_line_length=998)
            return email.policy.EmailPolicy.fold_binary(wide, name, value)
        return super().fold_binary(name, value)


class OutboxEmail(EmailMessage):
    def message(self, *, policy=email.policy.default):
        message = super().message(policy=policy)
        message.policy = _WholeUrlPolicy(**vars(policy))
        return message


def _email(notification: Notification) -> EmailMessage:
    return OutboxEmail(
        subject=notification.subject,
        body=notification.body,
        to=[notification.recipient.email],
        headers={"Message-ID": message_id(notification), **notification.headers},
    )


def deliver(*, notification_id: int, connection=None) -> str:
    """Send one waiting e-mail. Returns ``sent``, ``retry``, ``failed`` or ``skipped``.

    ``skipped``: already sent or failed, gone, or being sent by another worker right now.
    The row stays locked while the mail is handed to the backend, so two workers never send
    the same notification; a worker killed mid-way rolls back and the e-mail waits for the next
    attempt.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(
                pk=notification_id,
                channel=Notification.Channel.EMAIL,
                status=Notification.State.PENDING,
            )
            .first()
        )
        if notification is None:
            return "skipped"
        notification.attempts += 1
        if not wants_email(notification.recipient):
            # The address was removed or the account closed after the event: nothing to retry.
            notification.status = Notification.State.FAILED
            notification.last_error = "the recipient has no active e-mail address"
            notification.next_attempt_at = None
            notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "failed"
        try:
            sent = (connection or mailers.default).send_messages([_email(notification)])
            if not sent:
                raise RuntimeError("the mail backend accepted no message")
        except Exception as error:  # any backend failure is an attempt failed
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.State.FAILED
                notification.next_attempt_at = None
                outcome = "failed"
            else:
                notification.next_attempt_at = timezone.now() + retry_delay(notification.attempts)
                outcome = "retry"
            notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("e-mail %s attempt %s: %s", notification.pk, outcome, error)
            return outcome
        notification.status = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.next_attempt_at = None
        notification.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        return "sent"


def deliver_many(*, notification_ids: list[int]) -> dict[str, int]:
    """Deliver a batch over one mail-server connection; each e-mail in its own transaction."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    connection = mailers.default
    try:
        connection.open()  # one connection for the batch; a failure shows in each attempt
    except Exception as error:  # the server is down: every e-mail records a failed attempt
        logger.warning("could not open the mail connection: %s", error)
    try:
        for pk in notification_ids:
            counts[deliver(notification_id=pk, connection=connection)] += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide results
            logger.warning("closing the mail connection failed", exc_info=True)
    return counts


def sweep(*, now=None, limit: int = SWEEP_LIMIT) -> int:
    """Queue every e-mail that is due; returns how many were queued.

    Each queued e-mail gets a fresh grace period first, so a backlog larger than the workers can
    send in a minute is not queued again by the next run. When the broker refuses, the sweep
    stops and leaves the rest for its next run.
    """
    now = now or timezone.now()
    due = Notification.objects.due(now).order_by("next_attempt_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:limit])
    queued = 0
    for start in range(0, len(ids), SWEEP_BATCH):
        batch = ids[start : start + SWEEP_BATCH]
        Notification.objects.backlog().filter(pk__in=batch).update(next_attempt_at=now + grace())
        if not enqueue_delivery(batch):
            # Nothing reached the broker: due again at the next run.
            Notification.objects.backlog().filter(pk__in=ids[start:]).update(next_attempt_at=now)
            break
        queued += len(batch)
    return queued


def backlog_summary(*, now=None) -> dict[str, int]:
    """What ``manage.py shell`` or a health page needs to know about the outbox."""
    now = now or timezone.now()
    email = Notification.objects.filter(channel=Notification.Channel.EMAIL)
    return {
        "waiting": email.filter(status=Notification.State.PENDING).count(),
        "due": Notification.objects.due(now).count(),
        "retrying": email.filter(status=Notification.State.PENDING, attempts__gt=0).count(),
        "failed": email.filter(status=Notification.State.FAILED).count(),
        "oldest_waiting": _age_seconds(
            email.filter(status=Notification.State.PENDING).order_by("created_at").first(), now
        ),
    }


def _age_seconds(notification: Notification | None, now) -> int:
    if notification is None:
        return 0
    return int((now - notification.created_at).total_seconds())
