from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AgencySettings, Notification, Role


def _navigation(user, agency: AgencySettings) -> list[tuple[str, str]]:
    items = [(_("Find jobs"), reverse("jobs:search"))]
    if not user.is_authenticated:
        return items
    if user.has_role(Role.REGISTRANT):
        items.append((_("My page"), reverse("registrants:dashboard")))
        items.append((_("Jobs for you"), reverse("registrants:matches")))
        if agency.uses_coordinators:
            items.append((_("Proposals"), reverse("registrants:proposals")))
        items.append((_("My applications"), reverse("registrants:applications")))
        items.append((_("Messages"), reverse("staffing:messages")))
    if user.has_role(Role.CASE_SALES, Role.SERVICE_SALES, Role.AGENCY_ADMIN):
        items.append((_("Job cases"), reverse("jobs:staff_cases")))
        if user.has_role(Role.CASE_SALES, Role.AGENCY_ADMIN):
            items.append((_("Pipeline"), reverse("jobs:pipeline_mine")))
            items.append((_("Messages"), reverse("staffing:staff_messages")))
        items.append((_("Clients"), reverse("jobs:client_list")))
    if agency.uses_coordinators and user.has_role(Role.COORDINATOR):
        items.append((_("Coordinator workspace"), reverse("coordinators:workspace")))
    if user.has_role(Role.AGENCY_ADMIN):
        items.append((_("Agency settings"), reverse("staffing:agency_settings")))
        items.append((_("Staff"), reverse("staffing:staff_list")))
    return items


def portal(request) -> dict:
    agency = AgencySettings.load()
    unread = 0
    if request.user.is_authenticated:
        unread = Notification.objects.in_app_for(request.user).unread().count()
    return {
        "agency": agency,
        "navigation": _navigation(request.user, agency),
        "unread_notifications": unread,
    }
