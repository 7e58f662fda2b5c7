"""The coordinator workspace: ranked candidates for a case, the shortlist, proposals with the
contact limit shown, and the contact log per registrant. Gone when the agency switches
coordinators off."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from jobs import findings
from jobs.models import Application, ApplicationEvent, Job, Match
from registrants.models import Dismissal, Registrant
from staffing.decorators import coordinators_enabled, role_required
from staffing.models import AgencySettings, Role

from . import services
from .forms import CandidateFilterForm, ContactNoteForm, ProposeForm
from .models import ShortlistEntry


def _get_case(request: HttpRequest, job_id: int) -> Job:
    return get_object_or_404(
        Job.objects.select_related("unit__establishment__client", "case_sales"), pk=job_id
    )


def _get_registrant(request: HttpRequest, registrant_id: int) -> Registrant:
    return get_object_or_404(Registrant, pk=registrant_id)


@coordinators_enabled
@role_required(Role.COORDINATOR)
def workspace(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - datetime.timedelta(days=7)
    cases = (
        Job.objects.open()
        .select_related("unit__establishment__client")
        .annotate(
            eligible_matches=Count("matches", filter=Q(matches__eligible=True), distinct=True),
            shortlisted=Count("shortlist", distinct=True),
            proposals=Count(
                "applications",
                filter=Q(applications__origin=Application.Origin.PROPOSED),
                distinct=True,
            ),
        )
        .order_by("start")[:100]
    )
    applied = (
        Application.objects.filter(
            origin=Application.Origin.APPLIED, status="applied", created_at__gte=since
        )
        .select_related("registrant", "job")
        .order_by("-created_at")[:50]
    )
    return render(request, "coordinators/workspace.html", {"cases": cases, "applied": applied})


@dataclass
class Candidate:
    match: Match
    registrant: Registrant
    factors: list
    caveats: list[str]
    blocks: list[str]
    shortlisted: bool
    application: Application | None
    dismissed: bool
    used: int
    limit: int

    @property
    def refusal(self) -> str:
        """Why this candidate cannot be proposed now; empty when they can."""
        if self.blocks:
            return _("Blocked")
        if self.dismissed:
            return _("Dismissed this case")
        if self.application is not None:
            return self.application.get_status_display()
        if not self.registrant.accepts_proposals:
            return _("Does not accept proposals")
        if self.used >= self.limit:
            return _("Weekly limit reached")
        return ""


def _candidates(job: Job, filters: dict) -> list[Candidate]:
    agency = AgencySettings.load()
    matches = Match.objects.for_job(job).select_related("registrant")
    if filters.get("eligible"):
        matches = matches.filter(eligible=True)
    if filters.get("min_score") is not None:
        matches = matches.filter(score__gte=filters["min_score"])
    if filters.get("without_caveats"):
        matches = matches.filter(caveats=[])
    shortlisted = set(
        ShortlistEntry.objects.filter(job=job).values_list("registrant_id", flat=True)
    )
    if filters.get("shortlisted"):
        matches = matches.filter(registrant_id__in=shortlisted)
    applications = {a.registrant_id: a for a in Application.objects.filter(job=job)}
    if filters.get("uncontacted"):
        matches = matches.exclude(registrant_id__in=list(applications))
    matches = list(matches)
    ids = [m.registrant_id for m in matches]
    dismissed = set(
        Dismissal.objects.filter(job=job, registrant_id__in=ids).values_list(
            "registrant_id", flat=True
        )
    )
    since = timezone.now() - services.WEEK
    used = dict(
        Application.objects.filter(
            registrant_id__in=ids, origin=Application.Origin.PROPOSED, created_at__gte=since
        )
        .values_list("registrant_id")
        .annotate(n=Count("pk"))
        .values_list("registrant_id", "n")
    )
    return [
        Candidate(
            match=match,
            registrant=match.registrant,
            factors=[
                (findings.factor_label(name), match.factors[name])
                for name in findings.FACTOR_ORDER
                if name in match.factors
            ],
            caveats=findings.describe_all(match.caveats, block=False),
            blocks=findings.describe_all(match.blocks, block=True),
            shortlisted=match.registrant_id in shortlisted,
            application=applications.get(match.registrant_id),
            dismissed=match.registrant_id in dismissed,
            used=used.get(match.registrant_id, 0),
            limit=agency.proposals_per_registrant_per_week,
        )
        for match in matches
    ]


def _candidates_context(request: HttpRequest, job: Job, **extra) -> dict:
    data = request.GET if request.GET else {"eligible": "on"}
    filters = CandidateFilterForm(data)
    cleaned = filters.cleaned_data if filters.is_valid() else {"eligible": True}
    candidates = _candidates(job, cleaned)
    form = extra.pop("form", None) or ProposeForm(candidate_ids=[])
    return {
        "job": job,
        "filters": filters,
        "candidates": candidates,
        "form": form,
        "query": request.GET.urlencode(),
        **extra,
    }


@vary_on_headers("HX-Request")
@coordinators_enabled
@role_required(Role.COORDINATOR)
def candidates(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _get_case(request, job_id)
    template = "coordinators/candidates.html"
    return render(
        request,
        f"{template}#candidates" if request.htmx else template,
        _candidates_context(request, job),
    )


@require_POST
@coordinators_enabled
@role_required(Role.COORDINATOR)
def shortlist(request: HttpRequest, job_id: int, registrant_id: int) -> HttpResponse:
    job = _get_case(request, job_id)
    registrant = _get_registrant(request, registrant_id)
    on = services.toggle_shortlist(job=job, registrant=registrant, by=request.user)
    if request.htmx:
        return render(
            request,
            "coordinators/candidates.html#star",
            {"job": job, "candidate": {"registrant": registrant, "shortlisted": on}},
        )
    return redirect("coordinators:candidates", job.pk)


@require_POST
@coordinators_enabled
@role_required(Role.COORDINATOR)
def propose(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _get_case(request, job_id)
    candidate_ids = list(Match.objects.filter(job=job).values_list("registrant_id", flat=True))
    form = ProposeForm(request.POST, candidate_ids=candidate_ids)
    outcomes = []
    if form.is_valid():
        chosen = Registrant.objects.in_bulk(form.cleaned_data["registrant"])
        outcomes = services.propose_to_many(
            job=job,
            registrants=[chosen[pk] for pk in form.cleaned_data["registrant"] if pk in chosen],
            by=request.user,
            message=form.cleaned_data["message"],
            caveats_stated_for=set(form.cleaned_data["caveats_stated"]),
        )
    if not request.htmx:
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        for outcome in outcomes:
            if outcome.application is not None:
                messages.success(
                    request, _("Proposed to %(name)s.") % {"name": outcome.registrant.full_name}
                )
            else:
                messages.error(
                    request,
                    _("Not proposed to %(name)s: %(reason)s")
                    % {"name": outcome.registrant.full_name, "reason": outcome.refused},
                )
        return redirect("coordinators:candidates", job.pk)
    keep = form if not form.is_valid() else None
    context = _candidates_context(request, job, outcomes=outcomes, form=keep)
    return render(request, "coordinators/candidates.html#candidates", context)


@require_http_methods(["GET", "POST"])
@coordinators_enabled
@role_required(Role.COORDINATOR)
def contact_log(request: HttpRequest, registrant_id: int) -> HttpResponse:
    registrant = _get_registrant(request, registrant_id)
    form = ContactNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.note_contact(
            registrant=registrant,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            job=form.cleaned_data["job"],
            by=request.user,
        )
        messages.success(request, _("The note was added to the contact log."))
        return redirect("coordinators:contact_log", registrant.pk)
    entries = [
        (note.at, note.get_kind_display(), note.job, note.by, note.text)
        for note in registrant.contact_notes.select_related("job", "by")
    ]
    events = ApplicationEvent.objects.filter(
        application__registrant=registrant,
        application__origin=Application.Origin.PROPOSED,
    ).select_related("application__job", "by")
    for event in events:
        entries.append(
            (event.at, event.get_to_status_display(), event.application.job, event.by, event.note)
        )
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return render(
        request,
        "coordinators/contact_log.html",
        {
            "registrant": registrant,
            "allowance": services.contact_allowance(registrant),
            "entries": entries,
            "form": form,
        },
    )
