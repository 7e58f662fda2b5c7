from collections.abc import Iterable

from django.db import transaction

from .models import AuditEvent, Role, User

_ROLE_FIELD = {
    Role.COORDINATOR: "is_coordinator",
    Role.CASE_SALES: "is_case_sales",
    Role.SERVICE_SALES: "is_service_sales",
    Role.AGENCY_ADMIN: "is_agency_admin",
}


@transaction.atomic
def create_staff_user(
    *,
    email: str,
    display_name: str,
    roles: Iterable[Role | str],
    password: str,
    by: User | None = None,
) -> User:
    """An agency admin creates a staff account; agency admins also get the Django admin."""
    wanted = {Role(role) for role in roles}
    if Role.REGISTRANT in wanted or not wanted:
        raise ValueError("Staff accounts need at least one staff role and no registrant role")
    flags = {field: role in wanted for role, field in _ROLE_FIELD.items()}
    is_admin = Role.AGENCY_ADMIN in wanted
    user = User.objects.create_user(
        email,
        password,
        display_name=display_name,
        is_staff=is_admin,
        is_superuser=is_admin,
        **flags,
    )
    record_audit(
        actor=by,
        action=AuditEvent.Action.CHANGE,
        subject=f"user:{user.pk}",
        detail=f"staff account created with roles {sorted(r.value for r in wanted)}",
    )
    return user


def record_audit(*, actor: User | None, action: str, subject: str, detail: str = "") -> AuditEvent:
    return AuditEvent.objects.create(actor=actor, action=action, subject=subject, detail=detail)
