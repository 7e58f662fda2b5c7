"""Proposals received: the same coverage, reasons and caveats as the job page; accept or decline."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from jobs import workflow
from jobs.matching_adapter import explain_pair
from jobs.models import Application, Job, Status
from jobs.services import PlacementRefused
from jobs.views.public import present_fit
from staffing.decorators import role_required
from staffing.models import Role

from .. import services
from ..forms import DismissForm
from .common import done, own_application, own_registrant


def _own_proposal(request: HttpRequest, application_id: int) -> Application:
    application = own_application(request, application_id)
    if application.origin != Application.Origin.PROPOSED:
        raise Http404("Not a proposal")
    return application


def _proposal_context(application: Application, **extra) -> dict:
    job = Job.objects.with_public_relations().get(pk=application.job_id)
    return {
        "application": application,
        "job": job,
        "fit": present_fit(explain_pair(job=job, registrant=application.registrant)),
        "decline_form": DismissForm(prefix="decline"),
        **extra,
    }


@role_required(Role.REGISTRANT)
def proposals(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    pending = (
        Application.objects.for_registrant(registrant)
        .filter(status=Status.PROPOSED)
        .select_related("job__duty_category", "proposed_by")
    )
    answered = (
        Application.objects.for_registrant(registrant)
        .filter(origin=Application.Origin.PROPOSED)
        .exclude(status=Status.PROPOSED)
        .select_related("job")
    )
    rows = [
        (item, present_fit(explain_pair(job=item.job, registrant=registrant))) for item in pending
    ]
    return render(request, "registrants/proposals.html", {"proposals": rows, "answered": answered})


@vary_on_headers("HX-Request")
@role_required(Role.REGISTRANT)
def proposal(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own_proposal(request, application_id)
    return render(request, "registrants/proposal_detail.html", _proposal_context(application))


def _show_proposal(request: HttpRequest, application: Application, **extra) -> HttpResponse:
    template = "registrants/proposal_detail.html"
    if request.htmx:
        template += "#answer"
    return render(request, template, _proposal_context(application, **extra))


@require_POST
@role_required(Role.REGISTRANT)
def accept_proposal(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own_proposal(request, application_id)
    try:
        services.apply_for_job(
            job=application.job, registrant=application.registrant, by=request.user
        )
    except services.BlockedPair as blocked:
        return _show_proposal(request, application, refusal=blocked.reasons)
    except (PlacementRefused, workflow.TransitionRefused, PermissionDenied) as refused:
        return _show_proposal(request, application, refusal=[str(refused)])
    application.refresh_from_db()
    return done(
        request,
        _("You said you want to apply. The case sales rep screens your application next."),
        reverse("registrants:application", args=[application.pk]),
        "registrants/proposal_detail.html#answer",
        _proposal_context(application),
    )


@require_POST
@role_required(Role.REGISTRANT)
def decline_proposal(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own_proposal(request, application_id)
    form = DismissForm(request.POST, prefix="decline")
    if not form.is_valid():
        return _show_proposal(request, application, decline_form=form, open_form="decline")
    try:
        services.decline_proposal(
            application=application,
            by=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except (workflow.TransitionRefused, PermissionDenied) as refused:
        return _show_proposal(request, application, refusal=[str(refused)])
    application.refresh_from_db()
    return done(
        request,
        _("You declined the proposal. This case will not be proposed to you again."),
        reverse("registrants:proposals"),
        "registrants/proposal_detail.html#answer",
        _proposal_context(application),
    )
