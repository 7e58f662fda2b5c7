from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AgencySettings, Role


def _navigation(user, agency: AgencySettings) -> list[tuple[str, str]]:
    items = [(_("Find jobs"), reverse("jobs:search"))]
    if not user.is_authenticated:
        return items
    if user.has_role(Role.REGISTRANT):
        items.append((_("My page"), reverse("registrants:dashboard")))
    if user.has_role(Role.CASE_SALES, Role.SERVICE_SALES, Role.AGENCY_ADMIN):
        items.append((_("Job cases"), reverse("jobs:staff_cases")))
    if agency.uses_coordinators and user.has_role(Role.COORDINATOR):
        items.append((_("Coordinator workspace"), reverse("coordinators:workspace")))
    if user.has_role(Role.AGENCY_ADMIN):
        items.append((_("Agency settings"), reverse("staffing:agency_settings")))
        items.append((_("Staff"), reverse("staffing:staff_list")))
    return items


def portal(request) -> dict:
    agency = AgencySettings.load()
    return {"agency": agency, "navigation": _navigation(request.user, agency)}
