from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from jobs.models import Job
from registrants import alerts
from registrants import services as registrant_services
from registrants.models import Registrant

from . import messaging, services
from .decorators import role_required
from .forms import (
    AgencyEstablishmentFormSet,
    AgencySettingsForm,
    RegistrantSignUpForm,
    StaffUserForm,
)
from .models import (
    AgencyEstablishment,
    AgencySettings,
    AuditEvent,
    Notification,
    Role,
    Thread,
    User,
)
from .services import record_audit


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the compose health check: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    latest = Job.objects.open().select_related("duty_category").order_by("-published_at", "-pk")[:6]
    return render(
        request,
        "staffing/home.html",
        {
            "latest_jobs": latest,
            "open_count": Job.objects.open().count(),
        },
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("staffing:home")
    form = RegistrantSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registrant = registrant_services.sign_up_registrant(
            email=data["email"],
            password=data["password"],
            family_name=data["family_name"],
            given_name=data["given_name"],
            family_name_kana=data["family_name_kana"],
            given_name_kana=data["given_name_kana"],
            language=(get_language() or "ja")[:2],
        )
        login(request, registrant.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your registration is complete."))
        return redirect("staffing:home")
    return render(request, "registration/signup.html", {"form": form})


@role_required(Role.AGENCY_ADMIN)
@require_http_methods(["GET", "POST"])
def agency_settings(request: HttpRequest) -> HttpResponse:
    agency = AgencySettings.load()
    form = AgencySettingsForm(request.POST or None, instance=agency, prefix="agency")
    formset = AgencyEstablishmentFormSet(
        request.POST or None,
        queryset=AgencyEstablishment.objects.all(),
        prefix="office",
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            formset.save()
        messages.success(request, _("Agency settings saved."))
        return redirect("staffing:agency_settings")
    return render(request, "staffing/agency_settings.html", {"form": form, "formset": formset})


@role_required(Role.AGENCY_ADMIN)
@require_http_methods(["GET", "POST"])
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.create_staff_user(
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            roles=form.cleaned_data["roles"],
            password=form.cleaned_data["password"],
            by=request.user,
        )
        messages.success(request, _("Staff account %(email)s created.") % {"email": user.email})
        return redirect("staffing:staff_list")
    staff = User.objects.staff().order_by("display_name")
    return render(request, "staffing/staff_list.html", {"form": form, "staff": staff})


# --- In-portal notifications --------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 30


@login_required
@vary_on_headers("HX-Request")
def notifications(request: HtmxHttpRequest) -> HttpResponse:
    items = Notification.objects.in_app_for(request.user).order_by("-created_at", "-pk")
    page = Paginator(items, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    template = "staffing/notifications.html#list" if request.htmx else "staffing/notifications.html"
    return render(request, template, {"page": page})


@require_POST
@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it points (a path on this site only)."""
    notification = get_object_or_404(
        Notification.objects.in_app_for(request.user), pk=notification_id
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("staffing:notifications")
    return redirect(target or "staffing:notifications")


@require_POST
@login_required
@vary_on_headers("HX-Request")
def notifications_read_all(request: HtmxHttpRequest) -> HttpResponse:
    Notification.objects.in_app_for(request.user).unread().update(read_at=timezone.now())
    if not request.htmx:
        return redirect("staffing:notifications")
    items = Notification.objects.in_app_for(request.user).order_by("-created_at", "-pk")
    page = Paginator(items, NOTIFICATIONS_PER_PAGE).get_page(1)
    return render(request, "staffing/notifications.html#list", {"page": page})


# --- Message threads: the registrant's side -----------------------------------------------------


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=messaging.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (shown to the registrant and logged)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _own_registrant(request: HttpRequest) -> Registrant:
    return get_object_or_404(Registrant.objects.select_related("user"), user=request.user)


def _fair_use(registrant: Registrant) -> dict:
    agency = AgencySettings.load()
    return {
        "limit": agency.messages_per_registrant_per_day,
        "remaining": messaging.remaining_today(registrant),
        "target_hours": agency.response_target_hours,
        "pause": messaging.active_block(registrant),
    }


@role_required(Role.REGISTRANT)
def messages_inbox(request: HttpRequest) -> HttpResponse:
    registrant = _own_registrant(request)
    threads = list(Thread.objects.for_registrant(registrant).select_related("job"))
    with_thread = {thread.job_id for thread in threads if thread.job_id}
    cases = [job for job in messaging.writable_cases(registrant) if job.pk not in with_thread]
    return render(
        request,
        "staffing/messages_inbox.html",
        {"threads": threads, "cases": list(dict.fromkeys(cases)), **_fair_use(registrant)},
    )


@role_required(Role.REGISTRANT)
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def message_case(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    registrant = _own_registrant(request)
    job = get_object_or_404(Job, pk=job_id, applications__registrant=registrant)
    return _registrant_thread(request, registrant, kind=Thread.Kind.CASE, job=job)


@role_required(Role.REGISTRANT)
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def message_agency(request: HtmxHttpRequest) -> HttpResponse:
    return _registrant_thread(request, _own_registrant(request), kind=Thread.Kind.GENERAL)


@role_required(Role.REGISTRANT)
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def message_complaint(request: HtmxHttpRequest) -> HttpResponse:
    return _registrant_thread(request, _own_registrant(request), kind=Thread.Kind.COMPLAINT)


def _registrant_thread(request, registrant: Registrant, *, kind, job=None) -> HttpResponse:
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            messaging.send_message(
                registrant=registrant,
                kind=kind,
                job=job,
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except messaging.MessageRefused as refusal:
            form.add_error("body", str(refusal))
        else:
            if not request.htmx:
                messages.success(request, _("Your message was sent."))
                return redirect(request.path)
            form = MessageForm()
    thread = Thread.objects.filter(registrant=registrant, kind=kind, job=job).first()
    context = {
        "kind": kind,
        "job": job,
        "thread": thread,
        "conversation": list(thread.messages.select_related("author")) if thread else [],
        "form": form,
        "answer_due": thread.answer_due(AgencySettings.load().response_target_hours)
        if thread
        else None,
        **_fair_use(registrant),
    }
    template = (
        "staffing/messages_thread.html#conversation"
        if request.htmx
        else "staffing/messages_thread.html"
    )
    return render(request, template, context)


# --- Message threads: the agency's side ---------------------------------------------------------

STAFF_MESSAGE_ROLES = (Role.CASE_SALES, Role.AGENCY_ADMIN)


@role_required(*STAFF_MESSAGE_ROLES)
@vary_on_headers("HX-Request")
def staff_messages(request: HtmxHttpRequest) -> HttpResponse:
    agency = AgencySettings.load()
    now = timezone.now()
    visible = Thread.objects.visible_to_staff(request.user).select_related("registrant", "job")
    overdue = visible.waiting().overdue(now=now, target_hours=agency.response_target_hours)
    show = request.GET.get("show", "waiting")
    if show == "overdue":
        threads = overdue.order_by("waiting_since")
    elif show == "all":
        threads = visible.order_by("-last_message_at")
    else:
        show, threads = "waiting", visible.waiting().order_by("waiting_since")
    rows = [
        {
            "thread": thread,
            "due": thread.answer_due(agency.response_target_hours),
            "overdue": thread.waiting_since is not None
            and thread.answer_due(agency.response_target_hours) < now,
        }
        for thread in threads[:200]
    ]
    context = {
        "rows": rows,
        "show": show,
        "waiting_count": visible.waiting().count(),
        "overdue_count": overdue.count(),
        "target_hours": agency.response_target_hours,
    }
    template = (
        "staffing/messages_staff_inbox.html#inbox"
        if request.htmx
        else "staffing/messages_staff_inbox.html"
    )
    return render(request, template, context)


def _thread_for_staff(request: HttpRequest, thread_id: int) -> Thread:
    thread = get_object_or_404(
        Thread.objects.select_related("registrant__user", "job__case_sales"), pk=thread_id
    )
    if not messaging.staff_can_see(request.user, thread):
        raise PermissionDenied
    return thread


def _staff_thread_context(thread: Thread, **extra) -> dict:
    agency = AgencySettings.load()
    due = thread.answer_due(agency.response_target_hours)
    return {
        "thread": thread,
        "registrant": thread.registrant,
        "conversation": list(thread.messages.select_related("author")),
        "target_hours": agency.response_target_hours,
        "answer_due": due,
        "overdue": due is not None and due < timezone.now(),
        "pause": messaging.active_block(thread.registrant),
        "form": MessageForm(),
        "block_form": BlockForm(),
        **extra,
    }


@role_required(*STAFF_MESSAGE_ROLES)
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def staff_thread(request: HtmxHttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_for_staff(request, thread_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            messaging.reply(thread=thread, body=form.cleaned_data["body"], by=request.user)
        except messaging.MessageRefused as refusal:
            form.add_error("body", str(refusal))
        else:
            if not request.htmx:
                messages.success(request, _("Your answer was sent."))
                return redirect("staffing:staff_thread", thread_id=thread.pk)
            form = MessageForm()
        thread.refresh_from_db()
    elif request.method == "GET":
        record_audit(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            subject=f"registrant:{thread.registrant_id}",
            detail=f"message thread {thread.pk}",
        )
    context = _staff_thread_context(thread, form=form)
    template = (
        "staffing/messages_staff_thread.html#conversation"
        if request.htmx
        else "staffing/messages_staff_thread.html"
    )
    return render(request, template, context)


@require_POST
@role_required(*STAFF_MESSAGE_ROLES)
@vary_on_headers("HX-Request")
def staff_thread_block(request: HtmxHttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_for_staff(request, thread_id)
    block_form = BlockForm(request.POST)
    if block_form.is_valid():
        try:
            messaging.block_messages(
                registrant=thread.registrant,
                reason=block_form.cleaned_data["reason"],
                by=request.user,
            )
        except messaging.MessageRefused as refusal:
            block_form.add_error("reason", str(refusal))
        else:
            block_form = BlockForm()
            if not request.htmx:
                messages.success(request, _("The registrant's messages are paused."))
                return redirect("staffing:staff_thread", thread_id=thread.pk)
    context = _staff_thread_context(thread, block_form=block_form)
    if request.htmx:
        return render(request, "staffing/messages_staff_thread.html#block", context)
    return render(request, "staffing/messages_staff_thread.html", context, status=400)


@require_POST
@role_required(*STAFF_MESSAGE_ROLES)
@vary_on_headers("HX-Request")
def staff_thread_unblock(request: HtmxHttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_for_staff(request, thread_id)
    error = ""
    try:
        messaging.lift_block(registrant=thread.registrant, by=request.user)
    except messaging.MessageRefused as refusal:
        error = str(refusal)
    if request.htmx:
        context = _staff_thread_context(thread, block_error=error)
        return render(request, "staffing/messages_staff_thread.html#block", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The registrant can write again."))
    return redirect("staffing:staff_thread", thread_id=thread.pk)


# --- Job alerts: the signed link in every digest ------------------------------------------------


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = Registrant
        fields = ["alert_frequency", "alert_min_score"]


def _masked(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}" if domain else ""


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST carries no cookie
@require_http_methods(["GET", "POST"])
def alerts_manage(request: HttpRequest, token: str) -> HttpResponse:
    """Change or stop job alerts without logging in (RFC 8058 one-click POST included)."""
    try:
        registrant = alerts.registrant_for_token(token)
    except (signing.BadSignature, Registrant.DoesNotExist):
        return render(request, "staffing/unsubscribe_invalid.html", status=400)
    form = AlertSettingsForm(instance=registrant)
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click" or "stop" in request.POST:
            alerts.change_alerts(registrant=registrant, frequency=Registrant.AlertFrequency.OFF)
            if "stop" not in request.POST:
                return HttpResponse(status=200)  # a mail client's one-click: nobody reads this
            return redirect(f"{request.path}?done=stopped")
        form = AlertSettingsForm(request.POST, instance=registrant)
        if form.is_valid():
            alerts.change_alerts(
                registrant=registrant,
                frequency=form.cleaned_data["alert_frequency"],
                min_score=form.cleaned_data["alert_min_score"],
            )
            return redirect(f"{request.path}?done=saved")
    return render(
        request,
        "staffing/unsubscribe.html",
        {
            "form": form,
            "registrant": registrant,
            "address": _masked(
                registrant.email or (registrant.user and registrant.user.email) or ""
            ),
            "done": request.GET.get("done", ""),
        },
        status=400 if form.errors else 200,
    )
