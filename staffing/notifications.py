"""Write notifications into the outbox and hand e-mail to the workers once the event commits.

A notification row is written inside the caller's transaction, so an event and the news of it
commit or roll back together. Queuing the delivery happens after commit and may fail (Redis
down): the request still succeeds and ``task_sweep_outbox`` delivers the backlog later.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, User

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def notify(
    *,
    recipient: User,
    kind: str,
    event_key: str,
    template: str,
    context: dict,
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Queue ``template`` (``emails/<template>_subject.txt`` and ``.txt``) for ``recipient``.

    Rendered in the recipient's language; one row per channel, never two for the same event.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(recipient.language or "ja"):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    channels = [Notification.Channel.IN_APP]
    if email and recipient.email and recipient.is_active:
        channels.append(Notification.Channel.EMAIL)
    created = []
    for channel in channels:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    channel=channel,
                    kind=kind,
                    event_key=event_key,
                    subject=subject,
                    body=body,
                    url=url,
                    status=(
                        Notification.State.SENT
                        if channel == Notification.Channel.IN_APP
                        else Notification.State.PENDING
                    ),
                    sent_at=timezone.now() if channel == Notification.Channel.IN_APP else None,
                )
        except IntegrityError:
            continue  # this event was already notified on this channel
        created.append(notification)
        if channel == Notification.Channel.EMAIL:
            transaction.on_commit(lambda pk=notification.pk: enqueue_delivery(pk), robust=True)
    return created


def enqueue_delivery(notification_id: int) -> None:
    from .tasks import task_deliver_notification

    try:
        task_deliver_notification.delay(notification_id=notification_id)
    except Exception:  # the broker is down: the sweep will pick it up
        logger.warning(
            "could not queue notification %s; the sweep will deliver it", notification_id
        )


def deliver(*, notification_id: int) -> bool:
    """Send one pending e-mail. True if it was sent now; False if already handled or gone.

    The row stays locked while the mail is handed to the backend, so two workers never send the
    same notification; a worker killed mid-way rolls back and the message is delivered again.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, status=Notification.State.PENDING)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        try:
            send_mail(notification.subject, notification.body, None, [notification.recipient.email])
        except Exception as error:
            notification.last_error = f"{type(error).__name__}: {error}"
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.State.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
            raise
        notification.status = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "status", "sent_at"])
        return True


def sweep(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Queue every e-mail still waiting; returns how many were queued."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.backlog().filter(created_at__lte=cutoff).values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue_delivery(pk)
    return len(ids)
