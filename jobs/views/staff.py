"""The agency's side of job cases: writing a case with its requirement check, justifying flags,
opening, pausing and closing it, and the conflict-date outlook.

Who may do what: every staff role reads a case (its confidential part is staff-only); the
case's own sales rep (or any rep while none is assigned) and agency admins write it and move its
applications; only they see the registrants applying to it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffing.decorators import role_required
from staffing.models import AgencySettings, Role

from .. import services, workflow
from ..forms import (
    CaseForm,
    ConfidentialForm,
    DutyFormSet,
    JustifyForm,
    duty_initial,
)
from ..matching.periods import add_months
from ..models import Application, Job, JobConfidential, Status
from ..models.case_review import AGE_EXCEPTIONS, review_case, reviewed_flags
from ..models.conflicts import (
    establishments_reaching_conflict,
    individual_limits_reaching,
)

STAFF = (Role.CASE_SALES, Role.SERVICE_SALES, Role.COORDINATOR, Role.AGENCY_ADMIN)
SALES = (Role.CASE_SALES, Role.AGENCY_ADMIN)


def may_write(user, job: Job) -> bool:
    """The case's own sales rep (any rep while none is assigned) or an agency admin."""
    if user.has_role(Role.AGENCY_ADMIN):
        return True
    return user.has_role(Role.CASE_SALES) and job.case_sales_id in (None, user.pk)


def get_case_for_staff(request: HttpRequest, job_id: int, *, write: bool = False) -> Job:
    job = get_object_or_404(
        Job.objects.select_related("unit__establishment__client", "case_sales", "duty_category"),
        pk=job_id,
    )
    if write and not may_write(request.user, job):
        raise PermissionDenied
    return job


# --- Cases ---------------------------------------------------------------------------------------


@role_required(*STAFF)
def staff_cases(request: HttpRequest) -> HttpResponse:
    cases = Job.objects.select_related("unit__establishment__client", "case_sales").annotate(
        running=Count("applications", filter=Q(applications__status__in=workflow.ACTIVE))
    )
    mine = request.GET.get("mine") == "1"
    if mine:
        cases = cases.for_sales_rep(request.user)
    status = request.GET.get("status", "")
    if status in Job.Status.values:
        cases = cases.filter(status=status)
    page = Paginator(cases.order_by("status", "-created_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/staff_cases.html",
        {
            "page": page,
            "mine": mine,
            "status": status,
            "statuses": Job.Status.choices,
            "may_create": request.user.has_role(*SALES),
        },
    )


def _case_forms(request: HttpRequest, job: Job | None):
    data = request.POST if request.method == "POST" else None
    confidential = None
    if job is not None:
        confidential = JobConfidential.objects.filter(job=job).first()
    initial = {}
    if job is None and request.user.has_role(Role.CASE_SALES):
        initial["case_sales"] = request.user
    case_form = CaseForm(data, instance=job, initial=initial)
    confidential_form = ConfidentialForm(data, instance=confidential)
    duty_formset = DutyFormSet(data, prefix="duties", initial=duty_initial(job) if job else None)
    return case_form, confidential_form, duty_formset


def _save_case(request: HttpRequest, forms, *, job: Job | None) -> Job | None:
    case_form, confidential_form, duty_formset = forms
    valid = [f.is_valid() for f in forms]
    if not all(valid):
        return None
    case = case_form.save(commit=False)
    case.apply_postal_code(case_form.cleaned_data["postal_code"])
    confidential = {
        name: confidential_form.cleaned_data[name] for name in ConfidentialForm.Meta.fields
    }
    lines = [
        services.DutyLine(line["duty"], line["kind"], line["min_months"])
        for line in duty_formset.lines()
    ]
    arguments = {
        "job": case,
        "confidential": confidential,
        "duties": lines,
        "skills": case_form.cleaned_data["skills"],
        "qualifications": case_form.cleaned_data["qualifications"],
        "by": request.user,
    }
    if job is None:
        return services.create_case(**arguments)
    return services.update_case(**arguments)


@require_http_methods(["GET", "POST"])
@role_required(*SALES)
def case_create(request: HttpRequest) -> HttpResponse:
    forms = _case_forms(request, None)
    if request.method == "POST":
        job = _save_case(request, forms, job=None)
        if job is not None:
            messages.success(request, _("The case was saved as a draft."))
            return redirect("jobs:case_detail", job.pk)
    return _render_case_form(request, forms, job=None)


@require_http_methods(["GET", "POST"])
@role_required(*SALES)
def case_edit(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_case_for_staff(request, job_id, write=True)
    was_open = job.status == Job.Status.OPEN
    forms = _case_forms(request, job)
    if request.method == "POST":
        try:
            saved = _save_case(request, forms, job=job)
        except services.PlacementRefused as refused:
            messages.error(request, str(refused))
            return redirect("jobs:case_detail", job.pk)
        if saved is not None:
            if was_open and saved.status == Job.Status.PAUSED:
                messages.warning(
                    request,
                    _("The case was paused: the edit raised flags to fix or justify."),
                )
            else:
                messages.success(request, _("The case was saved."))
            return redirect("jobs:case_detail", job.pk)
    return _render_case_form(request, forms, job=job)


def _render_case_form(request: HttpRequest, forms, *, job: Job | None) -> HttpResponse:
    case_form, confidential_form, duty_formset = forms
    flags = review_case(job) if job is not None and job.pk else []
    return render(
        request,
        "jobs/staff_case_form.html",
        {
            "job": job,
            "form": case_form,
            "confidential_form": confidential_form,
            "duty_formset": duty_formset,
            "flags": flags,
        },
    )


@require_POST
@role_required(*SALES)
def case_check(request: HttpRequest) -> HttpResponse:
    """The requirement check while the case is written: the form as it stands, not saved."""
    case_form, confidential_form, duty_formset = _case_forms(request, None)
    case_form.is_valid()
    confidential_form.is_valid()
    duty_formset.is_valid()
    draft = case_form.instance
    code = case_form.cleaned_data.get("postal_code")
    if code:
        draft.apply_postal_code(code)
    duties = [form.cleaned_data["duty"] for form in duty_formset if form.cleaned_data.get("duty")]
    notes = confidential_form.cleaned_data.get("notes", "")
    flags = review_case(draft, duties=duties, notes=notes)
    return render(request, "jobs/staff_case_form.html#flags", {"flags": flags})


def _case_context(request: HttpRequest, job: Job, **extra) -> dict:
    agency = AgencySettings.load()
    counts = dict(
        Application.objects.filter(job=job)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    writable = may_write(request.user, job)
    flags = reviewed_flags(job)
    forms = extra.pop("justify_forms", {})
    for number, item in enumerate(flags):
        key = (item.flag.kind, item.flag.phrase)
        if key not in forms:
            forms[key] = JustifyForm(initial={"kind": key[0], "phrase": key[1]})
        # Each flag has a form of its own; only the element ids need to differ.
        forms[key].auto_id = f"id_flag{number}_%s"
    return {
        "job": job,
        "confidential": JobConfidential.objects.filter(job=job).first(),
        "duties": job.duties.select_related("duty"),
        "flags": [(item, forms[(item.flag.kind, item.flag.phrase)]) for item in flags],
        "unresolved": sum(1 for item in flags if not item.resolved),
        "counts": [(status, counts.get(status.value, 0)) for status in Status],
        "writable": writable,
        "sees_pipeline": writable,
        "coordinators": agency.uses_coordinators and request.user.has_role(Role.COORDINATOR),
        "log": job.log.select_related("by")[:30],
        "age_exceptions": dict(AGE_EXCEPTIONS),
        **extra,
    }


@role_required(*STAFF)
def case_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_case_for_staff(request, job_id)
    return render(request, "jobs/staff_case_detail.html", _case_context(request, job))


@require_POST
@role_required(*SALES)
def case_justify(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_case_for_staff(request, job_id, write=True)
    key = (request.POST.get("kind", ""), request.POST.get("phrase", ""))
    form = JustifyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.justify_flag(
                job=job,
                kind=data["kind"],
                phrase=data["phrase"],
                text=data["text"],
                age_exception=data["age_exception"],
                by=request.user,
            )
        except services.PlacementRefused as refused:
            form.add_error(None, str(refused))
    if form.is_valid() and not request.htmx:
        messages.success(request, _("The justification was recorded."))
        return redirect("jobs:case_detail", job.pk)
    context = _case_context(request, job, justify_forms={} if form.is_valid() else {key: form})
    template = "jobs/staff_case_detail.html"
    return render(request, f"{template}#flags" if request.htmx else template, context)


@require_POST
@role_required(*SALES)
def case_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_case_for_staff(request, job_id, write=True)
    action = request.POST.get("action")
    operations = {
        "open": (services.open_case, _("The case is open.")),
        "pause": (services.pause_case, _("The case is paused.")),
        "close": (services.close_case, _("The case is closed.")),
    }
    if action not in operations:
        return HttpResponseBadRequest("unknown action")
    operation, done = operations[action]
    try:
        operation(job=job, by=request.user)
    except services.PlacementRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("jobs:case_detail", job.pk)


# --- Conflict dates ------------------------------------------------------------------------------


@role_required(Role.CASE_SALES, Role.SERVICE_SALES, Role.AGENCY_ADMIN)
def conflict_dates(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    until = add_months(today, 3)
    return render(
        request,
        "jobs/staff_conflict_dates.html",
        {
            "today": today,
            "until": until,
            "establishments": establishments_reaching_conflict(today=today, until=until),
            "individual": individual_limits_reaching(today=today, until=until),
            "shows_names": request.user.has_role(*SALES),
        },
    )
