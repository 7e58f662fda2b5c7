"""The sales rep's pipeline: the board per case and across my cases, the screening page with
each step after it, and the anonymized skill sheet for the client."""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from staffing.decorators import role_required
from staffing.models import AgencySettings, AuditEvent, Role
from staffing.services import record_audit

from .. import findings, services, workflow
from ..forms import ClientAnswerForm, NoteForm, OfferForm, ReasonForm, VisitForm
from ..matching_adapter import explain_pair
from ..models import Application, Job, JobConfidential, Status
from ..models.conflicts import history_with_client
from .staff import SALES, get_case_for_staff, may_write


def _get_application(request: HttpRequest, application_id: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "job__unit__establishment__client", "job__case_sales", "registrant__user"
        ),
        pk=application_id,
    )
    if not may_write(request.user, application.job):
        raise PermissionDenied
    return application


# --- Pipeline ------------------------------------------------------------------------------------

BOARD_STEPS = [
    Status.PROPOSED,
    Status.APPLIED,
    Status.SCREENING,
    Status.PASSED,
    Status.VISIT_REQUESTED,
    Status.VISIT_SCHEDULED,
    Status.CLIENT_ACCEPTED,
    Status.OFFERED,
    Status.ACCEPTED,
]
# What the sales rep can do from each step, in the order the buttons appear.
ACTIONS = {
    Status.APPLIED: ["screen"],
    Status.SCREENING: ["pass", "not_pass"],
    Status.PASSED: ["offer"],
    Status.VISIT_REQUESTED: ["schedule"],
    Status.VISIT_SCHEDULED: ["client_answer"],
    Status.CLIENT_ACCEPTED: ["offer"],
}


@dataclass
class Column:
    status: Status
    cards: list = field(default_factory=list)


def _board(applications, *, show_proposed: bool, target_days: int) -> dict:
    columns = {status: Column(status) for status in BOARD_STEPS}
    stopped: dict[Status, int] = {}
    now = timezone.now()
    for application in applications:
        status = Status(application.status)
        if status in columns:
            application.overdue = status in workflow.ACTIVE and (
                now - application.status_changed_at
            ) > datetime.timedelta(days=target_days)
            application.actions = ACTIONS.get(status, [])
            columns[status].cards.append(application)
        else:
            stopped[status] = stopped.get(status, 0) + 1
    shown = [
        column
        for column in columns.values()
        if column.status != Status.PROPOSED or show_proposed or column.cards
    ]
    return {
        "columns": shown,
        "stopped": list(stopped.items()),
        "target_days": target_days,
    }


def _board_context(request: HttpRequest, job: Job | None, **extra) -> dict:
    agency = AgencySettings.load()
    applications = Application.objects.select_related("registrant", "job", "proposed_by")
    if job is not None:
        applications = applications.filter(job=job)
    elif request.user.has_role(Role.AGENCY_ADMIN) and request.GET.get("all") == "1":
        pass
    else:
        applications = applications.for_sales_rep(request.user)
    board = _board(
        applications.order_by("status_changed_at"),
        show_proposed=agency.uses_coordinators,
        target_days=agency.step_target_days,
    )
    return {"job": job, "scope": job.pk if job else "mine", **board, **extra}


@vary_on_headers("HX-Request")
@role_required(*SALES)
def pipeline(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_case_for_staff(request, job_id, write=True)
    template = "jobs/staff_pipeline.html#board" if request.htmx else "jobs/staff_pipeline.html"
    return render(request, template, _board_context(request, job))


@vary_on_headers("HX-Request")
@role_required(*SALES)
def pipeline_mine(request: HttpRequest) -> HttpResponse:
    template = "jobs/staff_pipeline.html#board" if request.htmx else "jobs/staff_pipeline.html"
    return render(request, template, _board_context(request, None))


# --- Screening and the steps after it -----------------------------------------------------------

MOVE_FORMS = {
    "screen": NoteForm,
    "pass": NoteForm,
    "not_pass": ReasonForm,
    "schedule": VisitForm,
    "client_answer": ClientAnswerForm,
    "offer": OfferForm,
}


def _move(action: str, application: Application, data: dict, by) -> Application:
    if action == "screen":
        return services.start_screening(application=application, by=by)
    if action == "pass":
        return services.pass_screening(application=application, by=by, note=data["note"])
    if action == "not_pass":
        return services.fail_screening(application=application, by=by, reason=data["reason"])
    if action == "schedule":
        return services.schedule_visit(
            application=application, by=by, at=data["visit_at"], note=data["note"]
        )
    if action == "client_answer":
        return services.record_client_answer(
            application=application, by=by, agreed=data["agreed"], note=data["note"]
        )
    return services.make_offer(
        application=application,
        by=by,
        start=data["start"],
        end=data["end"],
        hourly_wage=data["hourly_wage"],
        bill_rate=data["bill_rate"],
        note=data["note"],
    )


def _move_forms(application: Application, bound: dict | None = None) -> dict:
    job = application.job
    confidential = JobConfidential.objects.filter(job=job).first()
    initial = {
        "offer": {
            "start": application.offer_start or job.start,
            "end": application.offer_end or job.end,
            "hourly_wage": application.offer_hourly_wage or job.hourly_wage,
            "bill_rate": application.offer_bill_rate or (confidential and confidential.bill_rate),
        }
    }
    forms = {}
    for action in ACTIONS.get(Status(application.status), []):
        if bound and action in bound:
            forms[action] = bound[action]
        else:
            forms[action] = MOVE_FORMS[action](prefix=action, initial=initial.get(action))
    return forms


def _application_context(request: HttpRequest, application: Application, **extra) -> dict:
    job, registrant = application.job, application.registrant
    today = timezone.localdate()
    view = explain_pair(job=job, registrant=registrant)
    client = job.unit.establishment.client
    return {
        "application": application,
        "job": job,
        "registrant": registrant,
        "pair": view,
        "factors": [
            (findings.factor_label(name), view.factors[name])
            for name in findings.FACTOR_ORDER
            if name in view.factors
        ],
        "caveats": [findings.describe(item, block=False) for item in view.caveats],
        "blocks": [findings.describe(item, block=True) for item in view.blocks],
        "history": [
            (item, item.conflict_date(job.start))
            for item in history_with_client(registrant, client, on=today)
        ],
        "former_employment": registrant.employment_history.filter(
            employer_corporate_number=client.corporate_number
        ),
        "experiences": registrant.experiences.select_related("duty"),
        "events": application.events.select_related("by"),
        "forms": _move_forms(application, extra.pop("bound", None)),
        "skill_sheet_ready": application.status in workflow.UNLOCKED,
        **extra,
    }


@vary_on_headers("HX-Request")
@role_required(*SALES)
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _get_application(request, application_id)
    record_audit(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        subject=f"registrant:{application.registrant_id}",
        detail=f"screening page of application {application.pk} (case {application.job.ref})",
    )
    template = (
        "jobs/staff_application.html#application" if request.htmx else "jobs/staff_application.html"
    )
    return render(request, template, _application_context(request, application))


@require_POST
@role_required(*SALES)
def application_move(request: HttpRequest, application_id: int) -> HttpResponse:
    """One step of the workflow taken by the sales rep, from the board or the screening page."""
    application = _get_application(request, application_id)
    action = request.POST.get("action", "")
    if action not in MOVE_FORMS:
        return HttpResponseBadRequest("unknown action")
    form = MOVE_FORMS[action](request.POST, prefix=action)
    error = ""
    if form.is_valid():
        try:
            _move(action, application, form.cleaned_data, request.user)
        except (workflow.TransitionRefused, services.PlacementRefused) as refused:
            error = str(refused)
    else:
        error = _("Check the highlighted field.")
    application.refresh_from_db()
    on_board = request.POST.get("view") == "board"
    if on_board:
        scope = request.POST.get("scope", "mine")
        if request.htmx:
            job = application.job if scope != "mine" else None
            context = _board_context(request, job, error=error, error_for=application.pk)
            return render(request, "jobs/staff_pipeline.html#board", context)
        if error:
            messages.error(request, error)
        if scope == "mine":
            return redirect("jobs:pipeline_mine")
        return redirect("jobs:pipeline", application.job_id)
    if not error:
        if request.htmx:
            context = _application_context(request, application, done=True)
            return render(request, "jobs/staff_application.html#application", context)
        messages.success(request, _("Done: %(step)s.") % {"step": application.get_status_display()})
        return redirect("jobs:application_detail", application.pk)
    context = _application_context(request, application, bound={action: form}, error=error)
    template = (
        "jobs/staff_application.html#application" if request.htmx else "jobs/staff_application.html"
    )
    return render(request, template, context)


@role_required(*SALES)
def skill_sheet(request: HttpRequest, application_id: int) -> HttpResponse:
    """The one page meant for the client: duties and months, skills and qualifications, and
    nothing that identifies the person. Only once the agency's own screening is passed."""
    application = _get_application(request, application_id)
    if application.status not in workflow.UNLOCKED:
        raise PermissionDenied("The client sees a skill sheet only after internal screening")
    registrant, job = application.registrant, application.job
    experience = {item.duty_id: item for item in registrant.experiences.select_related("duty")}
    record_audit(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        subject=f"registrant:{registrant.pk}",
        detail=f"anonymized skill sheet for case {job.ref}",
    )
    return render(
        request,
        "jobs/skill_sheet.html",
        {
            "sheet_number": f"{job.ref}-{application.pk}",
            "job": job,
            "requirements": [
                (item, experience.get(item.duty_id)) for item in job.duties.select_related("duty")
            ],
            "experiences": list(experience.values()),
            "skills": registrant.skills.all(),
            "qualifications": registrant.qualifications.all(),
            "today": timezone.localdate(),
        },
    )
