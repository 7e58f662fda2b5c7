"""Operations on job cases and applications that touch several models."""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrants.models import Registrant
from staffing.models import User
from staffing.notifications import notify

from . import findings, workflow
from .matching_adapter import explain_pair, queue_rank_job, queue_rank_registrant
from .models import (
    Application,
    Assignment,
    CaseFlag,
    CaseLog,
    Duty,
    FlagJustification,
    Job,
    JobConfidential,
    JobDuty,
    Qualification,
    Skill,
    Status,
    Unit,
)
from .models.case_review import AGE_EXCEPTIONS, review_case, reviewed_flags


class PlacementRefused(Exception):
    """The operation cannot be done; ``str()`` says why, in words."""


class CaseNotReady(PlacementRefused):
    """The case cannot be opened yet; ``flags`` are what still needs fixing or justifying."""

    def __init__(self, message: str, flags: Iterable[CaseFlag] = ()):
        super().__init__(message)
        self.flags = list(flags)


def apply_to_job(*, job: Job, registrant: Registrant, by: User) -> tuple[Application, bool]:
    """The registrant applies. Applying twice does nothing new: returns (application, created)."""
    existing = Application.objects.filter(job=job, registrant=registrant).first()
    if existing is not None:
        if existing.status == Status.PROPOSED:
            return workflow.transition(existing, Status.APPLIED, by=by), False
        return existing, False
    if job.status != Job.Status.OPEN:
        raise PlacementRefused(_("This job is no longer taking applications."))
    return workflow.start(job=job, registrant=registrant, status=Status.APPLIED, by=by), True


def make_offer(
    *,
    application: Application,
    by: User,
    start: datetime.date,
    end: datetime.date,
    hourly_wage: int,
    bill_rate: int,
    note: str = "",
) -> Application:
    if end < start:
        raise PlacementRefused(_("The end of the assignment is before its start."))
    refuse_blocked_pair(job=application.job, registrant=application.registrant)
    conflict = application.job.unit.establishment.effective_conflict_date
    if conflict is not None and end >= conflict:
        raise PlacementRefused(
            _(
                "The assignment may not run on or past the establishment's conflict date "
                "%(conflict)s (派遣法40条の2)."
            )
            % {"conflict": conflict.isoformat()}
        )
    return workflow.transition(
        application,
        Status.OFFERED,
        by=by,
        note=note,
        fields={
            "offer_start": start,
            "offer_end": end,
            "offer_hourly_wage": hourly_wage,
            "offer_bill_rate": bill_rate,
        },
    )


def accept_offer(*, application: Application, by: User) -> Assignment:
    """The registrant accepts the offer: the assignment is made, and the case fills up.

    The job row is locked first, so concurrent acceptances are counted one at a time and no more
    than ``headcount`` assignments are ever made. Filling the last place closes the case and
    stops the remaining applications with a courteous message.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=application.job_id)
        current = Application.objects.select_related("registrant").get(pk=application.pk)
        workflow.check_move(current, Status.ACCEPTED, by=by)
        placed = Application.objects.filter(job=job, status=Status.ACCEPTED).count()
        if job.status == Job.Status.FILLED or placed >= job.headcount:
            raise PlacementRefused(_("All places on this case have already been filled."))
        assignment = Assignment.objects.create(
            registrant=current.registrant,
            unit_id=job.unit_id,
            job=job,
            start=current.offer_start or job.start,
            end=current.offer_end or job.end or job.start,
            hourly_wage=current.offer_hourly_wage or job.hourly_wage,
            hourly_bill_rate=current.offer_bill_rate or 0,
        )
        workflow.transition(current, Status.ACCEPTED, by=by, fields={"assignment": assignment})
        # The new assignment changes the registrant's gates (overlaps, the unit's period limit).
        queue_rank_registrant(current.registrant_id)
        if placed + 1 >= job.headcount:
            _fill(job)
    application.refresh_from_db()
    return assignment


def _fill(job: Job) -> None:
    job.status = Job.Status.FILLED
    job.save(update_fields=["status", "updated_at"])
    queue_rank_job(job.pk)  # a filled case leaves every match list at once
    for other in Application.objects.filter(job=job).active():
        # The courteous words are in the notification template, in each registrant's language.
        workflow.transition(other, Status.CASE_FILLED, by=None)


def refuse_blocked_pair(*, job: Job, registrant: Registrant) -> list[dict]:
    """Refuse a pair the law blocks, in words; returns its caveats otherwise."""
    view = explain_pair(job=job, registrant=registrant)
    if view.blocks:
        reasons = " ".join(findings.describe(block, block=True) for block in view.blocks)
        raise PlacementRefused(_("This pair is blocked: %(reasons)s") % {"reasons": reasons})
    return view.caveats


# --- Job cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyLine:
    duty: Duty
    kind: str
    min_months: int


EDITABLE = frozenset({Job.Status.DRAFT, Job.Status.OPEN, Job.Status.PAUSED})


def new_ref(prefix: str = "") -> str:
    """A reference for a record made in the portal (imported ones keep their own)."""
    return f"{prefix}{timezone.localdate():%y%m}-{uuid.uuid4().hex[:6].upper()}"


def _write_case_parts(
    job: Job,
    *,
    confidential: dict,
    duties: Iterable[DutyLine],
    skills: Iterable[Skill],
    qualifications: Iterable[Qualification],
) -> None:
    JobConfidential.objects.update_or_create(job=job, defaults=confidential)
    job.duties.all().delete()
    JobDuty.objects.bulk_create(
        JobDuty(job=job, duty=line.duty, kind=line.kind, min_months=line.min_months)
        for line in duties
    )
    job.skills.set(skills)
    job.qualifications.set(qualifications)


def create_case(
    *,
    job: Job,
    confidential: dict,
    duties: Iterable[DutyLine],
    skills: Iterable[Skill] = (),
    qualifications: Iterable[Qualification] = (),
    by: User,
) -> Job:
    """Save a new case as a draft, with its confidential part and duties."""
    with transaction.atomic():
        job.ref = job.ref or new_ref()
        job.status = Job.Status.DRAFT
        job.save()
        _write_case_parts(
            job,
            confidential=confidential,
            duties=duties,
            skills=skills,
            qualifications=qualifications,
        )
        CaseLog.objects.create(job=job, action=CaseLog.Action.CREATED, by=by)
    return job


def update_case(
    *,
    job: Job,
    confidential: dict,
    duties: Iterable[DutyLine],
    skills: Iterable[Skill] = (),
    qualifications: Iterable[Qualification] = (),
    by: User,
) -> Job:
    """Save the edited case. An open case the edit flagged anew is paused, so nothing unlawful
    stays published while the rep fixes or justifies it."""
    with transaction.atomic():
        status = Job.objects.select_for_update().values_list("status", flat=True).get(pk=job.pk)
        if status not in EDITABLE:
            raise PlacementRefused(
                _("A case that is “%(status)s” can no longer be edited.")
                % {"status": Job.Status(status).label}
            )
        job.status = status
        job.save()
        _write_case_parts(
            job,
            confidential=confidential,
            duties=duties,
            skills=skills,
            qualifications=qualifications,
        )
        CaseLog.objects.create(job=job, action=CaseLog.Action.EDITED, by=by)
        if job.status == Job.Status.OPEN:
            if _unresolved(job):
                job.status = Job.Status.PAUSED
                job.save(update_fields=["status", "updated_at"])
                CaseLog.objects.create(
                    job=job,
                    action=CaseLog.Action.PAUSED,
                    by=by,
                    note=_("Paused: the edit raised flags that must be fixed or justified."),
                )
            else:
                job.info_valid_on = timezone.localdate()
                job.save(update_fields=["info_valid_on", "updated_at"])
            queue_rank_job(job.pk)
    return job


def _unresolved(job: Job) -> list[CaseFlag]:
    return [item.flag for item in reviewed_flags(job) if not item.resolved]


def justify_flag(
    *,
    job: Job,
    kind: str,
    phrase: str,
    text: str,
    age_exception: str = "",
    by: User,
) -> FlagJustification:
    """Record in writing why a flag does not stop the case (an age-limit exception, positive
    action, a going rate that does not apply)."""
    flag = next((f for f in review_case(job) if (f.kind, f.phrase) == (kind, phrase)), None)
    if flag is None:
        raise PlacementRefused(_("This flag is no longer raised; nothing to justify."))
    if not flag.justifiable:
        raise PlacementRefused(_("This flag cannot be justified: the case must be changed."))
    if not text.strip():
        raise PlacementRefused(_("Please write the justification."))
    if kind == "age" and age_exception not in dict(AGE_EXCEPTIONS):
        raise PlacementRefused(
            _("An age limit is lawful only under one of the six exceptions: please cite one.")
        )
    with transaction.atomic():
        justification, _created = FlagJustification.objects.update_or_create(
            job=job,
            kind=kind,
            phrase=phrase,
            defaults={
                "text": text.strip(),
                "age_exception": age_exception if kind == "age" else "",
                "by": by,
                "at": timezone.now(),
            },
        )
        CaseLog.objects.create(
            job=job,
            action=CaseLog.Action.JUSTIFIED,
            by=by,
            note=f"{flag.phrase}: {text.strip()}",
        )
    return justification


def open_case(*, job: Job, by: User) -> Job:
    """Publish the case. Refused while a flag is neither fixed nor justified in writing."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (Job.Status.DRAFT, Job.Status.PAUSED):
            raise PlacementRefused(
                _("A case that is “%(status)s” cannot be opened.")
                % {"status": Job.Status(locked.status).label}
            )
        if locked.case_sales_id is None:
            raise PlacementRefused(_("Assign a case sales rep before opening the case."))
        if not locked.duties.exists():
            raise PlacementRefused(
                _("Add at least one duty: candidates are matched on duties and months.")
            )
        unresolved = _unresolved(locked)
        if unresolved:
            raise CaseNotReady(
                ngettext(
                    "%(count)d flag must be fixed or justified in writing before the case opens.",
                    "%(count)d flags must be fixed or justified in writing before the case opens.",
                    len(unresolved),
                )
                % {"count": len(unresolved)},
                unresolved,
            )
        locked.status = Job.Status.OPEN
        locked.published_at = locked.published_at or timezone.now()
        locked.info_valid_on = timezone.localdate()
        locked.save(update_fields=["status", "published_at", "info_valid_on", "updated_at"])
        CaseLog.objects.create(job=locked, action=CaseLog.Action.OPENED, by=by)
        queue_rank_job(locked.pk)
    job.refresh_from_db()
    return job


def pause_case(*, job: Job, by: User, note: str = "") -> Job:
    """Stop taking applications for a while; the case leaves search and matching."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status != Job.Status.OPEN:
            raise PlacementRefused(_("Only an open case can be paused."))
        locked.status = Job.Status.PAUSED
        locked.save(update_fields=["status", "updated_at"])
        CaseLog.objects.create(job=locked, action=CaseLog.Action.PAUSED, by=by, note=note)
        queue_rank_job(locked.pk)
    job.refresh_from_db()
    return job


def close_case(*, job: Job, by: User, note: str = "") -> Job:
    """Close a case for good. Refused while applications are still running on it: each of
    them ends with its own reason first, so nobody is left waiting without a word."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status not in EDITABLE:
            raise PlacementRefused(
                _("A case that is “%(status)s” cannot be closed.")
                % {"status": Job.Status(locked.status).label}
            )
        running = Application.objects.filter(job=locked).active().count()
        if running:
            raise PlacementRefused(
                ngettext(
                    "%(count)d application is still running on this case; end it first.",
                    "%(count)d applications are still running on this case; end them first.",
                    running,
                )
                % {"count": running}
            )
        locked.status = Job.Status.CLOSED
        locked.save(update_fields=["status", "updated_at"])
        CaseLog.objects.create(job=locked, action=CaseLog.Action.CLOSED, by=by, note=note)
        queue_rank_job(locked.pk)
    job.refresh_from_db()
    return job


def hand_over_need(
    *,
    unit: Unit,
    case_sales: User,
    title: str,
    heard: str,
    hourly_wage: int,
    start: datetime.date,
    end: datetime.date | None,
    headcount: int,
    by: User,
) -> Job:
    """Service sales turns a need heard at a client into a draft case for a case sales rep."""
    with transaction.atomic():
        job = Job(
            ref=new_ref(),
            unit=unit,
            case_sales=case_sales,
            status=Job.Status.DRAFT,
            title=title,
            hourly_wage=hourly_wage,
            start=start,
            end=end,
            headcount=headcount,
        )
        job.apply_postal_code(unit.establishment.postal_code)
        job.save()
        JobConfidential.objects.create(job=job, reason=heard)
        CaseLog.objects.create(job=job, action=CaseLog.Action.HANDED_OVER, by=by, note=heard)
        if case_sales != by:
            notify(
                recipient=case_sales,
                kind="case.handed_over",
                event_key=f"case-handed-over:{job.pk}",
                template="case_handover",
                context={"job": job, "by": str(by), "heard": heard},
                url=f"/jobs/staff/cases/{job.pk}/",
            )
    return job


# --- Screening, the workplace visit and the client's answer -------------------------------------


def start_screening(*, application: Application, by: User) -> Application:
    return workflow.transition(application, Status.SCREENING, by=by)


def pass_screening(*, application: Application, by: User, note: str = "") -> Application:
    """Passing unlocks the case's confidential part for the registrant (and the Q&A)."""
    return workflow.transition(application, Status.PASSED, by=by, note=note)


def fail_screening(*, application: Application, by: User, reason: str) -> Application:
    return workflow.transition(application, Status.NOT_PASSED, by=by, note=reason)


def schedule_visit(
    *, application: Application, by: User, at: datetime.datetime, note: str = ""
) -> Application:
    """The registrant asked for a workplace visit; the rep fixes the date and goes along."""
    return workflow.transition(
        application, Status.VISIT_SCHEDULED, by=by, note=note, fields={"visit_at": at}
    )


def record_client_answer(
    *, application: Application, by: User, agreed: bool, note: str = ""
) -> Application:
    """The client's answer after the visit, recorded by the rep (the client never decides on a
    person before the agency has)."""
    to = Status.CLIENT_ACCEPTED if agreed else Status.CLIENT_DECLINED
    return workflow.transition(application, to, by=by, note=note)
