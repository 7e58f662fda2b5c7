from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from staffing.decorators import role_required
from staffing.models import Role

from .models import Registrant


@role_required(Role.REGISTRANT)
def dashboard(request: HttpRequest) -> HttpResponse:
    registrant = get_object_or_404(
        Registrant.objects.with_matching_relations(),
        user=request.user,
    )
    return render(request, "registrants/dashboard.html", {"registrant": registrant})
