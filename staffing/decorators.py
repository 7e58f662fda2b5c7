from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import AgencySettings, Role


def role_required(*roles: Role) -> Callable:
    """Let in logged-in users holding any of ``roles``; others get 403 (or the login page)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def coordinators_enabled(view: Callable) -> Callable:
    """Coordinator pages exist only while the agency works with coordinators."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not AgencySettings.load().uses_coordinators:
            raise Http404("The agency does not work with coordinators.")
        return view(request, *args, **kwargs)

    return wrapped
