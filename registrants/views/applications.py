"""My applications: the timeline of each, withdrawing, asking for a visit, answering an offer."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from jobs import workflow
from jobs.models import Application, Status
from jobs.services import PlacementRefused, accept_offer
from jobs.views.public import confidential_for
from staffing.decorators import role_required
from staffing.models import Role

from ..forms import (
    ReasonForm,
    VisitRequestForm,
)
from .common import done, own_application, own_registrant


@role_required(Role.REGISTRANT)
def applications(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    rows = (
        Application.objects.for_registrant(registrant)
        .exclude(status=Status.PROPOSED)
        .select_related("job")
    )
    return render(request, "registrants/applications.html", {"applications": rows})


def _application_context(application: Application, **extra) -> dict:
    status = Status(application.status)
    return {
        "application": application,
        "job": application.job,
        "events": application.events.select_related("by"),
        "confidential": confidential_for(application),
        "can_withdraw": status not in workflow.FINAL,
        "can_request_visit": status == Status.PASSED,
        "has_offer": status == Status.OFFERED,
        "withdraw_form": ReasonForm(prefix="withdraw"),
        "visit_form": VisitRequestForm(prefix="visit"),
        "decline_form": ReasonForm(prefix="decline"),
        **extra,
    }


def _show_application(request: HttpRequest, application: Application, **extra) -> HttpResponse:
    template = "registrants/application_detail.html"
    if request.htmx:
        template += "#application"
    return render(request, template, _application_context(application, **extra))


def _application_done(request: HttpRequest, application: Application, message: str):
    application.refresh_from_db()
    return done(
        request,
        message,
        reverse("registrants:application", args=[application.pk]),
        "registrants/application_detail.html#application",
        _application_context(application),
    )


@vary_on_headers("HX-Request")
@role_required(Role.REGISTRANT)
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    application = own_application(request, application_id)
    if application.status == Status.PROPOSED:
        return redirect("registrants:proposal", application_id=application.pk)
    return _show_application(request, application)


def _registrant_move(request, application, to: Status, *, note: str = "") -> str | None:
    """Make the registrant's move; the refusal in words, or None."""
    try:
        workflow.transition(application, to, by=request.user, note=note)
    except (workflow.TransitionRefused, PermissionDenied) as refused:
        return str(refused) or _("This step is not possible now.")
    return None


@require_POST
@role_required(Role.REGISTRANT)
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    application = own_application(request, application_id)
    form = ReasonForm(request.POST, prefix="withdraw")
    if not form.is_valid():
        return _show_application(request, application, withdraw_form=form, open_form="withdraw")
    error = _registrant_move(
        request, application, Status.WITHDRAWN, note=form.cleaned_data["reason"]
    )
    if error:
        return _show_application(request, application, error=error)
    return _application_done(
        request, application, _("You withdrew your application. The case sales rep is told.")
    )


@require_POST
@role_required(Role.REGISTRANT)
def request_visit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = own_application(request, application_id)
    form = VisitRequestForm(request.POST, prefix="visit")
    if not form.is_valid():
        return _show_application(request, application, visit_form=form)
    error = _registrant_move(
        request, application, Status.VISIT_REQUESTED, note=form.cleaned_data["note"]
    )
    if error:
        return _show_application(request, application, error=error)
    return _application_done(
        request,
        application,
        _("You asked for a workplace visit. The case sales rep arranges it and comes with you."),
    )


@require_POST
@role_required(Role.REGISTRANT)
def accept_job_offer(request: HttpRequest, application_id: int) -> HttpResponse:
    application = own_application(request, application_id)
    try:
        accept_offer(application=application, by=request.user)
    except (PlacementRefused, workflow.TransitionRefused, PermissionDenied) as refused:
        return _show_application(request, application, error=str(refused))
    return _application_done(
        request, application, _("You accepted the offer. Your assignment is confirmed.")
    )


@require_POST
@role_required(Role.REGISTRANT)
def decline_job_offer(request: HttpRequest, application_id: int) -> HttpResponse:
    application = own_application(request, application_id)
    form = ReasonForm(request.POST, prefix="decline")
    if not form.is_valid():
        return _show_application(request, application, decline_form=form)
    error = _registrant_move(
        request, application, Status.DECLINED, note=form.cleaned_data["reason"]
    )
    if error:
        return _show_application(request, application, error=error)
    return _application_done(request, application, _("You declined the offer."))
