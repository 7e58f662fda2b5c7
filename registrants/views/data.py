"""My data: everything held about the registrant, the JSON download, the deletion request."""

import datetime
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staffing.decorators import role_required
from staffing.models import Role

from .. import services
from ..forms import DeletionRequestForm
from ..models import Registrant
from .common import done, own_registrant


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    return str(value)


def profile_rows(registrant: Registrant) -> list[tuple[str, str]]:
    """Every stored field of the registrant record, labelled: nothing held is left out."""
    rows = []
    for field in Registrant._meta.concrete_fields:
        if field.name in ("id", "user"):
            continue
        value = getattr(registrant, field.name)
        if field.choices and value:
            value = getattr(registrant, f"get_{field.name}_display")()
        rows.append((capfirst(field.verbose_name), _shown(value)))
    return rows


def _data_context(registrant: Registrant, **extra) -> dict:
    registrant = Registrant.objects.with_matching_relations().get(pk=registrant.pk)
    return {
        "registrant": registrant,
        "profile_rows": profile_rows(registrant),
        "applications": registrant.applications.select_related("job").prefetch_related(
            "events__by"
        ),
        "dismissals": registrant.dismissals.select_related("job"),
        "notifications": registrant.user.notifications.all()[:100] if registrant.user else [],
        "access_log": services.access_log(registrant)[:100],
        "deletion_request": services.pending_deletion_request(registrant),
        "deletion_form": extra.pop("deletion_form", None) or DeletionRequestForm(prefix="delete"),
        **extra,
    }


@role_required(Role.REGISTRANT)
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "registrants/my_data.html", _data_context(own_registrant(request)))


@role_required(Role.REGISTRANT)
def export_data(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    data = services.export_registrant_data(registrant=registrant, by=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"nakadachi-my-data-{registrant.ref}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@role_required(Role.REGISTRANT)
def request_deletion(request: HttpRequest) -> HttpResponse:
    registrant = own_registrant(request)
    form = DeletionRequestForm(request.POST, prefix="delete")
    if not form.is_valid():
        template = "registrants/my_data.html" + ("#deletion" if request.htmx else "")
        return render(request, template, _data_context(registrant, deletion_form=form))
    services.request_data_deletion(
        registrant=registrant, by=request.user, note=form.cleaned_data["note"]
    )
    return done(
        request,
        _(
            "Your request was sent to the agency. You will hear what was deleted and what the law "
            "requires us to keep."
        ),
        reverse("registrants:my_data"),
        "registrants/my_data.html#deletion",
        _data_context(registrant),
    )
