"""Proposals (打診), shortlists and the contact log: the coordinator's operations.

A proposal is an application that starts ``proposed``. It goes out only while the agency works
with coordinators, to a registrant who accepts proposals and has had fewer than the agency's
weekly number, who neither dismissed nor declined (nor already applied to) the case, for a pair
the law does not block — and, when the pair has caveats, only once the coordinator confirms the
message states them.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs import workflow
from jobs.models import Application, Job, Status
from jobs.services import PlacementRefused, refuse_blocked_pair
from registrants.models import Dismissal, Registrant
from staffing.models import AgencySettings, User

from .models import ContactNote, ShortlistEntry

WEEK = datetime.timedelta(days=7)


class ProposalRefused(PlacementRefused):
    """The proposal cannot go out; ``str()`` says why, in words."""


def proposals_in_last_week(registrant: Registrant, *, now: datetime.datetime | None = None) -> int:
    since = (now or timezone.now()) - WEEK
    return Application.objects.filter(
        registrant=registrant,
        origin=Application.Origin.PROPOSED,
        created_at__gte=since,
    ).count()


@dataclass(frozen=True)
class ContactAllowance:
    used: int
    limit: int
    accepts_proposals: bool

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0) if self.accepts_proposals else 0


def contact_allowance(registrant: Registrant, agency: AgencySettings | None = None):
    agency = agency or AgencySettings.load()
    return ContactAllowance(
        used=proposals_in_last_week(registrant),
        limit=agency.proposals_per_registrant_per_week,
        accepts_proposals=registrant.accepts_proposals,
    )


def propose_job(
    *,
    job: Job,
    registrant: Registrant,
    by: User,
    message: str,
    caveats_stated: bool,
) -> Application:
    """Send one proposal, or refuse it with the reason."""
    agency = AgencySettings.load()
    if not agency.uses_coordinators:
        raise ProposalRefused(_("The agency does not work with coordinators: no proposals."))
    if not message.strip():
        raise ProposalRefused(_("Write the message the registrant will read."))
    with transaction.atomic():
        # The registrant's row is the lock that makes the weekly count hold under concurrency.
        registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
        job = Job.objects.get(pk=job.pk)
        if job.status != Job.Status.OPEN:
            raise ProposalRefused(_("Only an open case can be proposed."))
        if not registrant.accepts_proposals:
            raise ProposalRefused(_("This registrant does not accept proposals."))
        if Dismissal.objects.filter(registrant=registrant, job=job).exists():
            raise ProposalRefused(_("This registrant dismissed this case: it is not proposed."))
        earlier = Application.objects.filter(registrant=registrant, job=job).first()
        if earlier is not None:
            if earlier.status == Status.DECLINED:
                raise ProposalRefused(_("This registrant declined this case: it is not proposed."))
            raise ProposalRefused(
                _("This registrant already has an application for this case (%(status)s).")
                % {"status": earlier.get_status_display()}
            )
        used = proposals_in_last_week(registrant)
        if used >= agency.proposals_per_registrant_per_week:
            raise ProposalRefused(
                _(
                    "This registrant has had %(used)d proposals in the last 7 days; the agency's "
                    "limit is %(limit)d a week."
                )
                % {"used": used, "limit": agency.proposals_per_registrant_per_week}
            )
        try:
            caveats = refuse_blocked_pair(job=job, registrant=registrant)
        except PlacementRefused as blocked:
            raise ProposalRefused(str(blocked)) from blocked
        if caveats and not caveats_stated:
            raise ProposalRefused(
                _("This pair has caveats: state them in the message and tick the box.")
            )
        return workflow.start(
            job=job,
            registrant=registrant,
            status=Status.PROPOSED,
            by=by,
            note=message.strip(),
            proposal_message=message.strip(),
            caveats_stated=bool(caveats) and caveats_stated,
            proposed_by=by,
        )


@dataclass(frozen=True)
class ProposalOutcome:
    registrant: Registrant
    application: Application | None
    refused: str = ""


def propose_to_many(
    *,
    job: Job,
    registrants: list[Registrant],
    by: User,
    message: str,
    caveats_stated_for: set[int],
) -> list[ProposalOutcome]:
    """One message to several registrants; each proposal goes out or is refused on its own."""
    outcomes = []
    for registrant in registrants:
        try:
            application = propose_job(
                job=job,
                registrant=registrant,
                by=by,
                message=message,
                caveats_stated=registrant.pk in caveats_stated_for,
            )
        except PlacementRefused as refused:
            outcomes.append(ProposalOutcome(registrant, None, str(refused)))
        else:
            outcomes.append(ProposalOutcome(registrant, application))
    return outcomes


def toggle_shortlist(*, job: Job, registrant: Registrant, by: User) -> bool:
    """Add the pair to the case's shortlist, or take it off; returns whether it is on now."""
    with transaction.atomic():
        deleted, _detail = ShortlistEntry.objects.filter(job=job, registrant=registrant).delete()
        if deleted:
            return False
        ShortlistEntry.objects.create(job=job, registrant=registrant, added_by=by)
        return True


def note_contact(
    *,
    registrant: Registrant,
    kind: str,
    text: str,
    by: User,
    job: Job | None = None,
) -> ContactNote:
    if not text.strip():
        raise PlacementRefused(_("Write what was said."))
    return ContactNote.objects.create(
        registrant=registrant, job=job, kind=kind, text=text.strip(), by=by
    )
