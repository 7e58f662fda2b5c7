"""The placement workflow: one table of allowed moves and the only function that writes a status.

An application starts ``applied`` (the registrant applied) or ``proposed`` (a coordinator offered
the case; the registrant answers). Every move records who, when and why, and tells the people it
concerns. Stopping states end in a reason.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffing.models import Role, User
from staffing.notifications import notify

from .models import Application, ApplicationEvent, Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PROPOSED: frozenset(
        {Status.APPLIED, Status.DECLINED, Status.WITHDRAWN, Status.CASE_FILLED}
    ),
    Status.APPLIED: frozenset({Status.SCREENING, Status.WITHDRAWN, Status.CASE_FILLED}),
    Status.SCREENING: frozenset(
        {Status.PASSED, Status.NOT_PASSED, Status.WITHDRAWN, Status.CASE_FILLED}
    ),
    Status.PASSED: frozenset(
        {Status.VISIT_REQUESTED, Status.OFFERED, Status.WITHDRAWN, Status.CASE_FILLED}
    ),
    Status.VISIT_REQUESTED: frozenset(
        {Status.VISIT_SCHEDULED, Status.WITHDRAWN, Status.CASE_FILLED}
    ),
    Status.VISIT_SCHEDULED: frozenset(
        {Status.CLIENT_ACCEPTED, Status.CLIENT_DECLINED, Status.WITHDRAWN, Status.CASE_FILLED}
    ),
    Status.CLIENT_ACCEPTED: frozenset({Status.OFFERED, Status.WITHDRAWN, Status.CASE_FILLED}),
    Status.OFFERED: frozenset(
        {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.CASE_FILLED}
    ),
    Status.ACCEPTED: frozenset(),
    Status.DECLINED: frozenset(),
    Status.NOT_PASSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.CLIENT_DECLINED: frozenset(),
    Status.CASE_FILLED: frozenset(),
}

FINAL = frozenset(status for status, moves in TRANSITIONS.items() if not moves)
ACTIVE = frozenset(Status) - FINAL
STOPPING = FINAL - {Status.ACCEPTED}
# Passing screening unlocks the case's confidential part for the registrant.
UNLOCKED = frozenset(
    {
        Status.PASSED,
        Status.VISIT_REQUESTED,
        Status.VISIT_SCHEDULED,
        Status.CLIENT_ACCEPTED,
        Status.OFFERED,
        Status.ACCEPTED,
    }
)

REGISTRANT, SALES, SYSTEM = "registrant", "sales", "system"
# Who makes each move: the registrant decides about themselves; the case sales rep (or an agency
# admin) runs screening and the client side; the system closes applications on a filled case.
MOVERS: dict[Status, str] = {
    Status.APPLIED: REGISTRANT,
    Status.DECLINED: REGISTRANT,
    Status.WITHDRAWN: REGISTRANT,
    Status.VISIT_REQUESTED: REGISTRANT,
    Status.ACCEPTED: REGISTRANT,
    Status.SCREENING: SALES,
    Status.PASSED: SALES,
    Status.NOT_PASSED: SALES,
    Status.VISIT_SCHEDULED: SALES,
    Status.CLIENT_ACCEPTED: SALES,
    Status.CLIENT_DECLINED: SALES,
    Status.OFFERED: SALES,
    Status.CASE_FILLED: SYSTEM,
}
NEEDS_REASON = frozenset(
    {Status.DECLINED, Status.NOT_PASSED, Status.WITHDRAWN, Status.CLIENT_DECLINED}
)


class TransitionRefused(Exception):
    """A move the workflow does not allow; ``str()`` is the reason, ready to show."""


def check_move(application: Application, to: Status, *, by: User | None) -> None:
    current = Status(application.status)
    if to not in TRANSITIONS[current]:
        raise TransitionRefused(
            _("An application that is “%(current)s” cannot move to “%(to)s”.")
            % {"current": current.label, "to": Status(to).label}
        )
    mover = MOVERS[to]
    if mover == SYSTEM:
        if by is not None:
            raise PermissionDenied("Only the portal itself closes applications on a filled case")
    elif mover == REGISTRANT:
        if by is None or application.registrant.user_id != by.pk:
            raise PermissionDenied("Only the registrant makes this move")
    elif by is None or not _is_sales_for(by, application):
        raise PermissionDenied("Only the case sales rep makes this move")


def _is_sales_for(user: User, application: Application) -> bool:
    if user.has_role(Role.AGENCY_ADMIN):
        return True
    return user.has_role(Role.CASE_SALES) and application.job.case_sales_id in (None, user.pk)


def transition(
    application: Application,
    to: Status,
    *,
    by: User | None,
    note: str = "",
    fields: dict | None = None,
) -> Application:
    """Move ``application`` to ``to``: checked, locked, recorded and told to whom it concerns.

    ``fields`` are other attributes written with the move (the visit date, the offer terms).
    """
    to = Status(to)
    if to in NEEDS_REASON and not note.strip():
        raise TransitionRefused(_("Please give a reason."))
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("job", "registrant__user")
            .get(pk=application.pk)
        )
        check_move(locked, to, by=by)
        previous = locked.status
        now = timezone.now()
        locked.status = to
        locked.status_changed_at = now
        changed = ["status", "status_changed_at"]
        if to in STOPPING:
            locked.stop_reason = note
            changed.append("stop_reason")
        for name, value in (fields or {}).items():
            setattr(locked, name, value)
            changed.append(name)
        locked.save(update_fields=changed)
        event = ApplicationEvent.objects.create(
            application=locked, from_status=previous, to_status=to, by=by, at=now, note=note
        )
        _tell(locked, event)
    application.refresh_from_db()
    return application


def start(
    *,
    job,
    registrant,
    status: Status,
    by: User | None,
    note: str = "",
    **fields,
) -> Application:
    """Create the application in its first step (``applied`` or ``proposed``) with its event."""
    if status not in (Status.APPLIED, Status.PROPOSED):
        raise ValueError("An application starts as applied or proposed")
    with transaction.atomic():
        application = Application.objects.create(
            job=job,
            registrant=registrant,
            status=status,
            origin=(
                Application.Origin.APPLIED
                if status == Status.APPLIED
                else Application.Origin.PROPOSED
            ),
            **fields,
        )
        event = ApplicationEvent.objects.create(
            application=application, from_status="", to_status=status, by=by, note=note
        )
        _tell(application, event)
    return application


# Who hears of each step: the registrant of every step someone else takes; the case sales rep
# of the steps the registrant takes.
_REGISTRANT_HEARS = frozenset(Status)
_SALES_HEARS = frozenset(
    {
        Status.APPLIED,
        Status.WITHDRAWN,
        Status.VISIT_REQUESTED,
        Status.ACCEPTED,
        Status.DECLINED,
    }
)


# The coordinator who proposed the case hears the registrant's answer and how it ended.
_PROPOSER_HEARS = frozenset(
    {
        Status.APPLIED,
        Status.DECLINED,
        Status.WITHDRAWN,
        Status.NOT_PASSED,
        Status.CLIENT_DECLINED,
        Status.ACCEPTED,
        Status.CASE_FILLED,
    }
)


def _tell(application: Application, event: ApplicationEvent) -> None:
    context = {"application": application, "event": application_event_context(event)}
    to = Status(event.to_status)
    registrant_user = application.registrant.user
    if to in _REGISTRANT_HEARS and registrant_user and registrant_user != event.by:
        notify(
            recipient=registrant_user,
            kind=f"application.{to}",
            event_key=f"application-event:{event.pk}",
            template="application_step",
            context=context,
            url="/me/applications/",
        )
    sales = application.job.case_sales
    if to in _SALES_HEARS and sales and sales != event.by:
        notify(
            recipient=sales,
            kind=f"application.{to}",
            event_key=f"application-event:{event.pk}",
            template="application_step_staff",
            context=context,
            url=f"/jobs/staff/cases/{application.job_id}/",
        )
    proposer = application.proposed_by
    if to in _PROPOSER_HEARS and proposer and proposer.is_active and proposer != event.by:
        notify(
            recipient=proposer,
            kind=f"application.{to}",
            event_key=f"application-event:{event.pk}",
            template="application_step_staff",
            context=context,
            url=f"/jobs/staff/cases/{application.job_id}/",
        )


def application_event_context(event: ApplicationEvent) -> dict:
    return {
        "to": Status(event.to_status),
        "note": event.note,
        "at": event.at,
    }
