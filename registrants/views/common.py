"""What every registrant view uses: the one way to reach the registrant's own records."""

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render

from jobs.models import Application

from ..models import Registrant


def own_registrant(request: HttpRequest) -> Registrant:
    """The logged-in registrant's record; 404 for a login without one."""
    return get_object_or_404(Registrant, user=request.user)


def own_application(request: HttpRequest, application_id: int) -> Application:
    """One of the registrant's own applications; anyone else's is a 404."""
    return get_object_or_404(
        Application.objects.for_registrant(own_registrant(request)).select_related(
            "job__duty_category", "registrant__user", "proposed_by"
        ),
        pk=application_id,
    )


def done(request: HttpRequest, message: str, url: str, template: str, context: dict):
    """After a successful POST: the fragment for htmx, otherwise a redirect with a message."""
    if request.htmx:
        return render(request, template, {**context, "message": message})
    messages.success(request, message)
    return redirect(url)
