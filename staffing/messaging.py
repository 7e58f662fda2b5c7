"""Message threads: a written line between a registrant and the agency that neither side abuses.

- A registrant writes to the case sales rep of a case they applied to or were proposed, and to
  the agency in general. A fair daily limit (``AgencySettings.messages_per_registrant_per_day``)
  is counted in the database inside one locked transaction, so it holds under concurrent
  requests and whether Redis is up or not.
- Staff answer within a visible target (``AgencySettings.response_target_hours``); the staff
  inbox shows threads waiting past it first.
- A message is final once sent: there is no edit and no delete here, and on PostgreSQL the table
  refuses both.
- A staff member may pause a registrant's messages, with a reason that is logged, told to the
  registrant and to the agency admins.
- Complaints (苦情) go to the agency's responsible people (the agency admins) only, and are
  never counted, limited or blocked.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Application, Job
from registrants.models import Registrant

from .models import (
    AgencySettings,
    AuditEvent,
    Message,
    MessagingBlock,
    Role,
    Thread,
    User,
)
from .notifications import notify
from .services import record_audit

Kind = Thread.Kind
MAX_LENGTH = 4000


class MessageRefused(Exception):
    """The message cannot be sent or the action not taken; ``str()`` says why, politely."""


# --- Reading ------------------------------------------------------------------------------------


def start_of_day(now: datetime.datetime) -> datetime.datetime:
    """Midnight of ``now``'s day in the agency's time zone: the daily limit restarts there."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def sent_today(registrant: Registrant, *, now=None) -> int:
    now = now or timezone.now()
    return Message.objects.counted_for_limit(
        author=registrant.user_id, since=start_of_day(now)
    ).count()


def remaining_today(registrant: Registrant, *, now=None) -> int:
    limit = AgencySettings.load().messages_per_registrant_per_day
    return max(limit - sent_today(registrant, now=now), 0)


def active_block(registrant: Registrant) -> MessagingBlock | None:
    return registrant.messaging_blocks.active().first()


def writable_cases(registrant: Registrant):
    """The cases this registrant may write about: applied to, or proposed to them."""
    return (
        Job.objects.filter(applications__registrant=registrant)
        .select_related("case_sales")
        .order_by("-applications__created_at")
    )


def can_write_about(registrant: Registrant, job: Job) -> bool:
    return Application.objects.filter(registrant=registrant, job=job).exists()


def staff_can_see(user: User, thread: Thread) -> bool:
    return Thread.objects.visible_to_staff(user).filter(pk=thread.pk).exists()


def staff_recipients(thread: Thread) -> list[User]:
    """Who is told of a registrant's message: the case's sales rep, else the agency admins."""
    if thread.kind == Kind.CASE and thread.job.case_sales and thread.job.case_sales.is_active:
        return [thread.job.case_sales]
    return list(User.objects.with_role(Role.AGENCY_ADMIN).order_by("pk"))


def registrant_thread_url(thread: Thread) -> str:
    if thread.kind == Kind.CASE:
        return reverse("staffing:message_case", args=[thread.job_id])
    if thread.kind == Kind.COMPLAINT:
        return reverse("staffing:message_complaint")
    return reverse("staffing:message_agency")


def staff_thread_url(thread: Thread) -> str:
    return reverse("staffing:staff_thread", args=[thread.pk])


# --- Writing ------------------------------------------------------------------------------------


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise MessageRefused(_("Please write a message."))
    if len(body) > MAX_LENGTH:
        raise MessageRefused(
            _("Please keep a message under %(max)s characters; it has %(length)s.")
            % {"max": MAX_LENGTH, "length": len(body)}
        )
    return body


def send_message(
    *,
    registrant: Registrant,
    kind: str,
    body: str,
    by: User,
    job: Job | None = None,
    now=None,
) -> Message:
    """The registrant writes to the case sales rep (``case``), the agency (``general``) or the
    agency's responsible people (``complaint``)."""
    kind = Kind(kind)
    if by.pk != registrant.user_id:
        raise PermissionDenied("Only the registrant writes as the registrant")
    if (kind == Kind.CASE) != (job is not None):
        raise ValueError("A case thread needs its case; the other threads have none")
    body = _clean(body)
    with transaction.atomic():
        # One registrant's sends take turns on their own row: the count below and the insert
        # that follows cannot interleave with another request's, so the limit is exact.
        Registrant.objects.select_for_update(no_key=True).filter(pk=registrant.pk).first()
        now = now or timezone.now()
        if kind == Kind.CASE and not can_write_about(registrant, job):
            raise PermissionDenied("The registrant has no application for this case")
        if kind != Kind.COMPLAINT:
            _check_fair_use(registrant, now=now)
        thread, _created = Thread.objects.get_or_create(registrant=registrant, kind=kind, job=job)
        message = Message.objects.create(
            thread=thread, author=by, from_registrant=True, body=body, sent_at=now
        )
        thread.last_message_at = now
        thread.waiting_since = thread.waiting_since or now
        thread.save(update_fields=["last_message_at", "waiting_since"])
        for recipient in staff_recipients(thread):
            notify(
                recipient=recipient,
                kind=f"message.{kind}",
                event_key=f"message:{message.pk}",
                template="message_to_staff",
                context=_context(thread, message),
                url=staff_thread_url(thread),
            )
    return message


def _check_fair_use(registrant: Registrant, *, now) -> None:
    block = active_block(registrant)
    if block is not None:
        raise MessageRefused(
            _(
                "The agency has paused your messages: %(reason)s — You can still reach the "
                "agency's responsible person through the complaint form."
            )
            % {"reason": block.reason}
        )
    agency = AgencySettings.load()
    if sent_today(registrant, now=now) >= agency.messages_per_registrant_per_day:
        raise MessageRefused(
            _(
                "You have sent %(limit)s messages today, the most the agency can answer well for "
                "one person in a day. Every message you sent will be answered, within "
                "%(hours)s hours. You can write again tomorrow; a complaint can be sent at any "
                "time."
            )
            % {
                "limit": agency.messages_per_registrant_per_day,
                "hours": agency.response_target_hours,
            }
        )


def reply(*, thread: Thread, body: str, by: User, now=None) -> Message:
    """A staff member answers; the thread no longer waits, and the registrant is told."""
    if not staff_can_see(by, thread):
        raise PermissionDenied("This thread is not yours to answer")
    body = _clean(body)
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update(of=("self",))
            .select_related("registrant__user")
            .get(pk=thread.pk)
        )
        now = now or timezone.now()
        message = Message.objects.create(
            thread=thread, author=by, from_registrant=False, body=body, sent_at=now
        )
        thread.last_message_at = now
        thread.waiting_since = None
        thread.save(update_fields=["last_message_at", "waiting_since"])
        user = thread.registrant.user
        if user is not None:
            notify(
                recipient=user,
                kind="message.reply",
                event_key=f"message:{message.pk}",
                template="message_reply",
                context=_context(thread, message),
                url=registrant_thread_url(thread),
            )
    return message


def _context(thread: Thread, message: Message) -> dict:
    return {
        "thread": thread,
        "message": message,
        "registrant": thread.registrant,
        "job": thread.job,
        "target_hours": AgencySettings.load().response_target_hours,
    }


# --- Pausing a registrant's messages ------------------------------------------------------------


def _may_block(user: User) -> bool:
    return user.has_role(Role.CASE_SALES, Role.AGENCY_ADMIN)


def block_messages(*, registrant: Registrant, reason: str, by: User) -> MessagingBlock:
    """Pause a registrant's messages (never their complaints), with a reason on the record."""
    if not _may_block(by):
        raise PermissionDenied("Only sales reps and agency admins pause messages")
    reason = (reason or "").strip()
    if not reason:
        raise MessageRefused(_("Please give a reason."))
    with transaction.atomic():
        Registrant.objects.select_for_update(no_key=True).filter(pk=registrant.pk).first()
        if active_block(registrant) is not None:
            raise MessageRefused(_("This registrant's messages are already paused."))
        block = MessagingBlock.objects.create(registrant=registrant, reason=reason, blocked_by=by)
        record_audit(
            actor=by,
            action=AuditEvent.Action.CHANGE,
            subject=f"registrant:{registrant.pk}",
            detail=f"messages paused: {reason}",
        )
        _tell_about_block(registrant, block, template="messages_paused")
    return block


def lift_block(*, registrant: Registrant, by: User) -> MessagingBlock:
    if not _may_block(by):
        raise PermissionDenied("Only sales reps and agency admins lift a pause")
    with transaction.atomic():
        block = registrant.messaging_blocks.active().select_for_update().first()
        if block is None:
            raise MessageRefused(_("This registrant's messages are not paused."))
        block.lifted_by = by
        block.lifted_at = timezone.now()
        block.save(update_fields=["lifted_by", "lifted_at"])
        record_audit(
            actor=by,
            action=AuditEvent.Action.CHANGE,
            subject=f"registrant:{registrant.pk}",
            detail="messages no longer paused",
        )
        _tell_about_block(registrant, block, template="messages_resumed")
    return block


def _tell_about_block(registrant: Registrant, block: MessagingBlock, *, template: str) -> None:
    state = "lifted" if block.lifted_at else "paused"
    context = {"registrant": registrant, "pause": block}
    if registrant.user is not None:
        notify(
            recipient=registrant.user,
            kind=f"messages.{state}",
            event_key=f"messaging-block:{block.pk}:{state}",
            template=template,
            context=context,
            url=reverse("staffing:messages"),
        )
    # Pausing someone is never silent: the agency's responsible people hear of it.
    by = block.lifted_by if block.lifted_at else block.blocked_by
    for admin in User.objects.with_role(Role.AGENCY_ADMIN).exclude(pk=by.pk):
        notify(
            recipient=admin,
            kind=f"messages.{state}",
            event_key=f"messaging-block:{block.pk}:{state}",
            template=f"{template}_staff",
            context=context,
            url=reverse("staffing:staff_messages"),
        )
