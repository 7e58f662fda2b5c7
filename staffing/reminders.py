"""Reminders that beat runs every day (see ``CELERY_BEAT_SCHEDULE`` and docs/operations.md).

- An assignment ends within 30 days: the registrant is asked about renewal or next work, and
  their availability moves to the day after, so the matching starts offering next cases.
- A conflict date (抵触日) comes within 90 days, then within 30: the case sales reps concerned
  hear of it, for the client establishment (派遣法40条の2) and for each registrant in a unit
  (40条の3).
- Applications wait in one step longer than the agency's target: the staff member responsible
  for that step gets one list a day.

Each reminder is keyed by its event, so a run that repeats (or a missed day caught up) never
sends the same reminder twice.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jobs.matching.periods import day_after_period, is_at_least_age, latest_chaining_start
from jobs.models import Application, Assignment, Establishment, Job, Status
from registrants.models import Registrant

from .models import AgencySettings, Role, User
from .notifications import notify

ENDING_WITHIN_DAYS = 30
CONFLICT_STAGES = (30, 90)  # days ahead; the nearer stage is sent once it is reached
INDIVIDUAL_LIMIT_MONTHS = 36
COOLING_GAP_MONTHS = 3
LIVE_CASE_STATES = (Job.Status.DRAFT, Job.Status.OPEN, Job.Status.PAUSED)


def _agency_admins() -> list[User]:
    return list(User.objects.with_role(Role.AGENCY_ADMIN).order_by("pk"))


# --- Assignments ending --------------------------------------------------------------------------


def remind_assignment_endings(*, today: datetime.date | None = None) -> int:
    """Ask each registrant whose assignment ends within 30 days about what comes next, and make
    them available for matching from the day after (unless a next assignment is agreed)."""
    from jobs.matching_adapter import queue_rank_registrant

    today = today or timezone.localdate()
    ending = (
        Assignment.objects.filter(
            end__gte=today, end__lte=today + datetime.timedelta(ENDING_WITHIN_DAYS)
        )
        .select_related("registrant__user", "unit__establishment__client", "job")
        .order_by("end", "pk")
    )
    asked = 0
    for assignment in ending:
        registrant = assignment.registrant
        if Assignment.objects.filter(registrant=registrant, start__gt=assignment.end).exists():
            continue  # renewed or next work already agreed
        free_from = assignment.end + datetime.timedelta(days=1)
        if registrant.available_from is None or registrant.available_from < free_from:
            Registrant.objects.filter(pk=registrant.pk).update(available_from=free_from)
            queue_rank_registrant(registrant.pk)
        if registrant.user is None:
            continue
        sent = notify(
            recipient=registrant.user,
            kind="assignment.ending",
            event_key=f"assignment-ending:{assignment.pk}:{assignment.end.isoformat()}",
            template="assignment_ending",
            context={
                "registrant": registrant,
                "assignment": assignment,
                "available_from": free_from,
                "days_left": (assignment.end - today).days,
                "message_url": (
                    reverse("staffing:message_case", args=[assignment.job_id])
                    if assignment.job_id
                    and Application.objects.filter(
                        registrant=registrant, job_id=assignment.job_id
                    ).exists()
                    else reverse("staffing:message_agency")
                ),
            },
            url=reverse("registrants:matches"),
        )
        asked += bool(sent)
    return asked


# --- Conflict dates ------------------------------------------------------------------------------


def _stage(conflict: datetime.date, today: datetime.date) -> int | None:
    days_left = (conflict - today).days
    if days_left <= 0:
        return None
    return next((stage for stage in CONFLICT_STAGES if days_left <= stage), None)


def remind_conflict_dates(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return _remind_establishments(today) + _remind_individuals(today)


def _establishment_reps(establishment: Establishment, today: datetime.date) -> list[User]:
    reps = User.objects.filter(
        Q(cases__unit__establishment=establishment, cases__status__in=LIVE_CASE_STATES)
        | Q(
            cases__assignments__unit__establishment=establishment,
            cases__assignments__end__gte=today,
        ),
        is_active=True,
        is_case_sales=True,
    ).distinct()
    return list(reps.order_by("pk")) or _agency_admins()


def _remind_establishments(today: datetime.date) -> int:
    horizon = today + datetime.timedelta(days=max(CONFLICT_STAGES))
    establishments = Establishment.objects.filter(
        Q(conflict_date_extended_to__gt=today, conflict_date_extended_to__lte=horizon)
        | Q(
            conflict_date_extended_to__isnull=True,
            conflict_date__gt=today,
            conflict_date__lte=horizon,
        )
    ).select_related("client")
    told = 0
    for establishment in establishments:
        conflict = establishment.effective_conflict_date
        stage = _stage(conflict, today)
        if stage is None:
            continue
        for rep in _establishment_reps(establishment, today):
            told += bool(
                notify(
                    recipient=rep,
                    kind="conflict_date.establishment",
                    event_key=f"conflict:establishment:{establishment.pk}:{conflict}:{stage}",
                    template="conflict_date",
                    context={
                        "establishment": establishment,
                        "conflict": conflict,
                        "days_left": (conflict - today).days,
                    },
                    url=reverse("jobs:staff_cases"),
                )
            )
    return told


def individual_conflict_date(periods: list[tuple[datetime.date, datetime.date]]):
    """The conflict date of the chain the last of ``periods`` (sorted) belongs to: assignments
    in one unit separated by at most 3 months count as one stay (派遣法40条の3)."""
    chain_start = chain_end = None
    for start, end in periods:
        if chain_end is None or start > latest_chaining_start(chain_end, COOLING_GAP_MONTHS):
            chain_start, chain_end = start, end
        else:
            chain_end = max(chain_end, end)
    return day_after_period(chain_start, INDIVIDUAL_LIMIT_MONTHS)


def _remind_individuals(today: datetime.date) -> int:
    horizon = today + datetime.timedelta(days=max(CONFLICT_STAGES))
    current = (
        Assignment.objects.filter(end__gte=today)
        .exclude(registrant__agency_employment=Registrant.AgencyEmployment.INDEFINITE)
        .exclude(job__individual_limit_exemption__gt="")
        .select_related("registrant", "unit__establishment__client", "job__case_sales")
        .order_by("start")
    )
    latest: dict[tuple[int, int], Assignment] = {}
    for assignment in current:
        latest[(assignment.registrant_id, assignment.unit_id)] = assignment
    history: dict[tuple[int, int], list] = defaultdict(list)
    for registrant_id, unit_id, start, end in (
        Assignment.objects.filter(
            registrant_id__in={key[0] for key in latest}, unit_id__in={key[1] for key in latest}
        )
        .order_by("start")
        .values_list("registrant_id", "unit_id", "start", "end")
    ):
        history[(registrant_id, unit_id)].append((start, end))
    told = 0
    for key, assignment in latest.items():
        conflict = individual_conflict_date(history[key])
        if conflict > horizon or is_at_least_age(assignment.registrant.birth_date, 60, conflict):
            continue
        stage = _stage(conflict, today)
        if stage is None:
            continue
        rep = assignment.job.case_sales if assignment.job else None
        for recipient in [rep] if rep and rep.is_active else _agency_admins():
            told += bool(
                notify(
                    recipient=recipient,
                    kind="conflict_date.individual",
                    event_key=(f"conflict:individual:{key[0]}:{key[1]}:{conflict}:{stage}"),
                    template="conflict_date_individual",
                    context={
                        "assignment": assignment,
                        "registrant": assignment.registrant,
                        "unit": assignment.unit,
                        "conflict": conflict,
                        "days_left": (conflict - today).days,
                    },
                    url=reverse("jobs:staff_cases"),
                )
            )
    return told


# --- Applications waiting too long in one step ---------------------------------------------------


def responsible_for(application: Application) -> User | None:
    """A proposal waiting for an answer is the proposing coordinator's to follow up; every other
    step is the case sales rep's."""
    proposer = application.proposed_by
    if application.status == Status.PROPOSED and proposer and proposer.is_active:
        return proposer
    rep = application.job.case_sales
    return rep if rep and rep.is_active else None


def remind_overdue_steps(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    target = AgencySettings.load().step_target_days
    waiting = (
        Application.objects.active()
        .filter(status_changed_at__lte=now - datetime.timedelta(days=target))
        .select_related("job__case_sales", "proposed_by", "registrant")
        .order_by("status_changed_at")
    )
    lists: dict[User, list[Application]] = defaultdict(list)
    for application in waiting:
        owner = responsible_for(application)
        for recipient in [owner] if owner else _agency_admins():
            lists[recipient].append(application)
    today = timezone.localdate(now)
    told = 0
    for recipient, applications in lists.items():
        told += bool(
            notify(
                recipient=recipient,
                kind="application.overdue",
                event_key=f"overdue-steps:{recipient.pk}:{today.isoformat()}",
                template="steps_overdue",
                context={
                    "items": [
                        {
                            "application": application,
                            "step": Status(application.status).label,
                            "days": (now - application.status_changed_at).days,
                        }
                        for application in applications
                    ],
                    "target_days": target,
                },
                url=reverse("jobs:staff_cases"),
            )
        )
    return told
