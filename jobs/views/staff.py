from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staffing.decorators import role_required
from staffing.models import Role

from ..models import Job


@role_required(Role.CASE_SALES, Role.SERVICE_SALES, Role.AGENCY_ADMIN)
def staff_cases(request: HttpRequest) -> HttpResponse:
    cases = Job.objects.select_related("unit__establishment__client", "case_sales")
    if request.GET.get("mine") == "1":
        cases = cases.for_sales_rep(request.user)
    page = Paginator(cases.order_by("status", "-created_at"), 50).get_page(request.GET.get("page"))
    return render(request, "jobs/staff_cases.html", {"page": page})
