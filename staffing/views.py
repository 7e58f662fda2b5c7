from django.contrib import messages
from django.contrib.auth import login
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jobs.models import Job
from registrants import services as registrant_services

from . import services
from .decorators import role_required
from .forms import (
    AgencyEstablishmentFormSet,
    AgencySettingsForm,
    RegistrantSignUpForm,
    StaffUserForm,
)
from .models import AgencyEstablishment, AgencySettings, Role, User


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
