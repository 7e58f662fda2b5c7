"""Operations on job cases and applications that touch several models."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from registrants.models import Registrant
from staffing.models import User

from . import workflow
from .models import Application, Assignment, Job, Status


class PlacementRefused(Exception):
    """The operation cannot be done; ``str()`` says why, in words."""


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
        if placed + 1 >= job.headcount:
            _fill(job)
    application.refresh_from_db()
    return assignment


def _fill(job: Job) -> None:
    job.status = Job.Status.FILLED
    job.save(update_fields=["status", "updated_at"])
    for other in Application.objects.filter(job=job).active():
        # The courteous words are in the notification template, in each registrant's language.
        workflow.transition(other, Status.CASE_FILLED, by=None)
