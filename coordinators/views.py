from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jobs.models import Job
from staffing.decorators import coordinators_enabled, role_required
from staffing.models import Role


@coordinators_enabled
@role_required(Role.COORDINATOR)
def workspace(request: HttpRequest) -> HttpResponse:
    cases = Job.objects.open().select_related("unit__establishment__client").order_by("start")[:100]
    return render(request, "coordinators/workspace.html", {"cases": cases})
