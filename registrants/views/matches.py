"""My page and “Jobs for you”: the registrant's ranked matches, and dismissing one."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.matching_adapter import ensure_registrant_ranked
from jobs.models import Application, Match, Status
from jobs.views.public import present_fit
from staffing.decorators import role_required
from staffing.models import Role

from .. import services
from ..forms import DismissForm
from ..models import Dismissal, Registrant
from .common import done, own_registrant

MATCHES_PER_PAGE = 10


def _open_matches(registrant: Registrant) -> QuerySet:
    """Eligible open cases the matching found for the registrant, best first — minus the ones
    they dismissed or already answered."""
    return (
        Match.objects.for_registrant(registrant)
        .open_jobs()
        .eligible()
        .exclude(job__in=Dismissal.objects.filter(registrant=registrant).values("job"))
        .exclude(job__in=Application.objects.for_registrant(registrant).values("job"))
        .select_related("job__duty_category")
    )


def _match_rows(matches, *, failed: DismissForm | None = None) -> list[dict]:
    rows = []
    for match in matches:
        prefix = f"dismiss-{match.job_id}"
        form = failed if failed is not None and failed.prefix == prefix else None
        rows.append(
            {"match": match, "fit": present_fit(match), "form": form or DismissForm(prefix=prefix)}
        )
    return rows


@role_required(Role.REGISTRANT)
def dashboard(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    ensure_registrant_ranked(registrant)
    applications = Application.objects.for_registrant(registrant)
    context = {
        "registrant": registrant,
        "rows": _match_rows(_open_matches(registrant)[:3]),
        "active_count": applications.active().exclude(status=Status.PROPOSED).count(),
        "proposal_count": applications.filter(status=Status.PROPOSED).count(),
    }
    return render(request, "registrants/dashboard.html", context)


@role_required(Role.REGISTRANT)
def matches(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    # The workers rerank after every change; this catches a profile nobody has ranked yet.
    ensure_registrant_ranked(registrant)
    return render(request, "registrants/matches.html", _matches_context(request, registrant))


def _matches_context(request: HttpRequest, registrant: Registrant, **kwargs) -> dict:
    page = Paginator(_open_matches(registrant), MATCHES_PER_PAGE).get_page(request.GET.get("page"))
    return {"page": page, "rows": _match_rows(page, **kwargs)}


@require_POST
@role_required(Role.REGISTRANT)
def dismiss(request: HttpRequest, job_id: int) -> HttpResponse:
    registrant = own_registrant(request)
    match = get_object_or_404(
        Match.objects.select_related("job__duty_category"), registrant=registrant, job_id=job_id
    )
    form = DismissForm(request.POST, prefix=f"dismiss-{job_id}")
    if not form.is_valid():
        if request.htmx:
            row = {"match": match, "fit": present_fit(match), "form": form}
            return render(request, "registrants/matches.html#match-card", {"row": row})
        context = _matches_context(request, registrant, failed=form)
        return render(request, "registrants/matches.html", context)
    services.dismiss_match(
        registrant=registrant,
        job=match.job,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
    )
    return done(
        request,
        _("“%(title)s” will not be shown or proposed to you again.") % {"title": match.job.title},
        reverse("registrants:matches"),
        "registrants/matches.html#dismissed",
        {"match": match},
    )
