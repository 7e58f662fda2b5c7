"""Service sales: clients, their establishments and conflict dates, units, contacts, visit notes,
and handing a need over to a case sales rep as a draft case."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffing.decorators import role_required
from staffing.models import Role

from .. import services
from ..forms import (
    ClientForm,
    ContactForm,
    EstablishmentForm,
    HandoverForm,
    UnitForm,
    VisitNoteForm,
)
from ..models import Client, Establishment, Job

READERS = (Role.SERVICE_SALES, Role.CASE_SALES, Role.AGENCY_ADMIN)
WRITERS = (Role.SERVICE_SALES, Role.AGENCY_ADMIN)
PARTS = {
    "establishment": (EstablishmentForm, "E"),
    "unit": (UnitForm, "U"),
    "contact": (ContactForm, ""),
    "visit": (VisitNoteForm, ""),
}


def _get_client(request: HttpRequest, client_id: int) -> Client:
    return get_object_or_404(Client.objects.select_related("service_sales"), pk=client_id)


@role_required(*READERS)
def client_list(request: HttpRequest) -> HttpResponse:
    clients = Client.objects.select_related("service_sales").annotate(
        establishment_count=Count("establishments", distinct=True),
        open_cases=Count(
            "establishments__units__jobs",
            filter=Q(establishments__units__jobs__status=Job.Status.OPEN),
            distinct=True,
        ),
    )
    mine = request.GET.get("mine") == "1"
    if mine:
        clients = clients.filter(service_sales=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        clients = clients.filter(Q(name__icontains=query) | Q(corporate_number=query))
    page = Paginator(clients.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/staff_clients.html",
        {
            "page": page,
            "mine": mine,
            "query": query,
            "may_write": request.user.has_role(*WRITERS),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def client_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.user.has_role(Role.SERVICE_SALES):
        initial["service_sales"] = request.user
    form = ClientForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.ref = services.new_ref("C")
        client = form.save()
        messages.success(request, _("The client was registered."))
        return redirect("jobs:client_detail", client.pk)
    return render(request, "jobs/staff_client_form.html", {"form": form})


def _client_context(request: HttpRequest, client: Client, bound: dict | None = None) -> dict:
    bound = bound or {}
    forms = {}
    for part, (form_class, _prefix) in PARTS.items():
        if part in bound:
            forms[part] = bound[part]
        elif form_class is EstablishmentForm:
            forms[part] = form_class(prefix="establishment")
        else:
            forms[part] = form_class(client=client)
    establishments = client.establishments.prefetch_related("units")
    return {
        "client": client,
        "establishments": establishments,
        "contacts": client.contacts.select_related("establishment"),
        "visits": client.visit_notes.select_related("by", "establishment")[:20],
        "cases": Job.objects.filter(unit__establishment__client=client)
        .select_related("unit", "case_sales")
        .order_by("-created_at")[:30],
        "forms": forms,
        "may_write": request.user.has_role(*WRITERS),
    }


@role_required(*READERS)
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _get_client(request, client_id)
    return render(request, "jobs/staff_client_detail.html", _client_context(request, client))


@require_POST
@role_required(*WRITERS)
def client_add(request: HttpRequest, client_id: int, part: str) -> HttpResponse:
    client = _get_client(request, client_id)
    if part not in PARTS:
        raise Http404
    form_class, ref_prefix = PARTS[part]
    if form_class is EstablishmentForm:
        form = form_class(request.POST, prefix="establishment")
    else:
        form = form_class(request.POST, client=client)
    if not form.is_valid():
        context = _client_context(request, client, bound={part: form})
        return render(request, "jobs/staff_client_detail.html", context)
    record = form.save(commit=False)
    if ref_prefix:
        record.ref = services.new_ref(ref_prefix)
    if part in ("establishment", "contact", "visit"):
        record.client = client
    if part == "visit":
        record.by = request.user
    record.save()
    messages.success(request, _("Saved."))
    return redirect(f"{reverse('jobs:client_detail', args=[client.pk])}#{part}")


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def establishment_edit(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment = get_object_or_404(
        Establishment.objects.select_related("client"), pk=establishment_id
    )
    form = EstablishmentForm(request.POST or None, instance=establishment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The establishment was saved."))
        return redirect("jobs:client_detail", establishment.client_id)
    return render(
        request,
        "jobs/staff_establishment_form.html",
        {"form": form, "establishment": establishment},
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def handover(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _get_client(request, client_id)
    form = HandoverForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        job = services.hand_over_need(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Draft case %(ref)s was handed to %(rep)s.")
            % {"ref": job.ref, "rep": job.case_sales},
        )
        return redirect("jobs:client_detail", client.pk)
    return render(request, "jobs/staff_handover.html", {"form": form, "client": client})
