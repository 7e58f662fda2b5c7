"""The profile, edited section by section in place; every change reranks the registrant."""

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from jobs.models import Duty
from staffing.decorators import role_required
from staffing.models import AgencySettings, Role

from .. import services
from ..forms import (
    AvailabilityForm,
    ContactForm,
    ContactPreferencesForm,
    DesiredConditionsForm,
    DirectEmploymentForm,
    ExperienceForm,
    SkillsForm,
)
from ..models import DirectEmployment, Registrant
from .common import own_registrant

SECTIONS = {
    "contact": ContactForm,
    "conditions": DesiredConditionsForm,
    "availability": AvailabilityForm,
    "skills": SkillsForm,
    "preferences": ContactPreferencesForm,
}


def _section_form(section: str, registrant: Registrant, data=None):
    kwargs = {}
    if section == "preferences":
        kwargs["uses_coordinators"] = AgencySettings.load().uses_coordinators
    # A fresh instance: a form that fails validation must not leave its values on the page.
    instance = Registrant.objects.get(pk=registrant.pk)
    return SECTIONS[section](data, instance=instance, prefix=section, **kwargs)


def find_duties(query: str) -> QuerySet:
    """Duties whose name or category matches ``query``, in Japanese or English."""
    if not query:
        return Duty.objects.none()
    return Duty.objects.filter(
        Q(name_ja__icontains=query)
        | Q(name_en__icontains=query)
        | Q(category__name_ja__icontains=query)
        | Q(category__name_en__icontains=query)
    ).select_related("category")[:15]


def _profile_context(registrant: Registrant, **extra) -> dict:
    registrant = Registrant.objects.with_matching_relations().get(pk=registrant.pk)
    forms = extra.pop("forms", {})
    editing = extra.get("editing")
    if editing in SECTIONS and editing not in forms:
        forms[editing] = _section_form(editing, registrant)
    row_forms = extra.pop("row_forms", {})
    rows = [
        (
            item,
            row_forms.get(item.duty_id)
            or ExperienceForm(
                prefix=f"exp-{item.duty_id}",
                initial={"duty": item.duty_id, "months": item.months, "last_year": item.last_year},
            ),
        )
        for item in registrant.experiences.all()
    ]
    duty_query = extra.pop("duty_query", "")
    return {
        "registrant": registrant,
        "forms": forms,
        "experience_rows": rows,
        "experience_form": extra.pop("experience_form", None)
        or ExperienceForm(prefix="experience"),
        "employment_form": extra.pop("employment_form", None)
        or DirectEmploymentForm(prefix="employment"),
        "duty_query": duty_query,
        "duty_results": find_duties(duty_query),
        **extra,
    }


def _show_section(request: HttpRequest, registrant: Registrant, section: str, **extra):
    template = "registrants/profile.html"
    if request.htmx:
        template += f"#{section}"
    return render(request, template, _profile_context(registrant, **extra))


def _section_saved(request: HttpRequest, registrant: Registrant, section: str) -> HttpResponse:
    message = _("Saved. Your matches are being updated.")
    if request.htmx:
        return render(
            request,
            f"registrants/profile.html#{section}",
            _profile_context(registrant, saved=section, message=message),
        )
    messages.success(request, message)
    return redirect(reverse("registrants:profile") + f"#section-{section}")


@role_required(Role.REGISTRANT)
def profile(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    context = _profile_context(
        registrant,
        editing=request.GET.get("edit"),
        duty_query=request.GET.get("duty_q", "").strip(),
    )
    return render(request, "registrants/profile.html", context)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@role_required(Role.REGISTRANT)
def profile_section(request: HttpRequest, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404("No such profile section")
    registrant = own_registrant(request)
    if request.method == "GET":
        editing = section if "edit" in request.GET else None
        if not request.htmx:
            query = "?edit=" + section if editing else ""
            return redirect(reverse("registrants:profile") + query + f"#section-{section}")
        return _show_section(request, registrant, section, editing=editing)
    form = _section_form(section, registrant, request.POST)
    if not form.is_valid():
        return _show_section(request, registrant, section, editing=section, forms={section: form})
    services.update_profile(registrant=registrant, changes=form.cleaned_data)
    return _section_saved(request, registrant, section)


@vary_on_headers("HX-Request")
@role_required(Role.REGISTRANT)
def duty_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("duty_q", "").strip()
    if not request.htmx:
        query_string = urlencode({"edit": "experience", "duty_q": query})
        return redirect(f"{reverse('registrants:profile')}?{query_string}#section-experience")
    return render(
        request,
        "registrants/profile.html#duty-results",
        {"duty_results": find_duties(query), "duty_query": query},
    )


@require_POST
@role_required(Role.REGISTRANT)
def add_experience(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    form = ExperienceForm(request.POST, prefix="experience")
    if not form.is_valid():
        return _show_section(
            request,
            registrant,
            "experience",
            experience_form=form,
            duty_query=request.POST.get("duty_q", "").strip(),
        )
    services.save_duty_experience(registrant=registrant, **form.cleaned_data)
    return _section_saved(request, registrant, "experience")


@require_POST
@role_required(Role.REGISTRANT)
def update_experience(request: HttpRequest, duty_id: int) -> HttpResponse:
    registrant = own_registrant(request)
    get_object_or_404(registrant.experiences, duty_id=duty_id)
    form = ExperienceForm(request.POST, prefix=f"exp-{duty_id}")
    if not form.is_valid() or form.cleaned_data["duty"].pk != duty_id:
        return _show_section(request, registrant, "experience", row_forms={duty_id: form})
    services.save_duty_experience(registrant=registrant, **form.cleaned_data)
    return _section_saved(request, registrant, "experience")


@require_POST
@role_required(Role.REGISTRANT)
def remove_experience(request: HttpRequest, duty_id: int) -> HttpResponse:
    registrant = own_registrant(request)
    services.remove_duty_experience(registrant=registrant, duty_id=duty_id)
    return _section_saved(request, registrant, "experience")


@require_POST
@role_required(Role.REGISTRANT)
def add_employment(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    form = DirectEmploymentForm(request.POST, prefix="employment")
    if not form.is_valid():
        return _show_section(request, registrant, "employment", employment_form=form)
    services.add_direct_employment(registrant=registrant, **form.cleaned_data)
    return _section_saved(request, registrant, "employment")


@require_POST
@role_required(Role.REGISTRANT)
def remove_employment(request: HttpRequest, employment_id: int) -> HttpResponse:
    registrant = own_registrant(request)
    get_object_or_404(DirectEmployment, registrant=registrant, pk=employment_id)
    services.remove_direct_employment(registrant=registrant, employment_id=employment_id)
    return _section_saved(request, registrant, "employment")
