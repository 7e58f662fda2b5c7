from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AgencyEstablishment,
    AgencySettings,
    AuditEvent,
    Message,
    MessagingBlock,
    Notification,
    Thread,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "get_role_display", "is_active", "date_joined"]
    list_filter = [
        "is_registrant",
        "is_coordinator",
        "is_case_sales",
        "is_service_sales",
        "is_agency_admin",
        "is_active",
    ]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "display_name", "language"]}),
        (
            _("Roles"),
            {
                "fields": [
                    "is_registrant",
                    "is_coordinator",
                    "is_case_sales",
                    "is_service_sales",
                    "is_agency_admin",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description=_("roles"))
    def get_role_display(self, obj: User) -> str:
        return obj.get_role_display()


@admin.register(AgencySettings)
class AgencySettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "uses_coordinators", "proposals_per_registrant_per_week"]


@admin.register(AgencyEstablishment)
class AgencyEstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "address", "uses_labour_agreement"]
    search_fields = ["name", "address"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "subject"]
    list_filter = ["action"]
    search_fields = ["subject", "detail", "actor__email"]
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: looked at in the admin, never changed there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "channel", "kind", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["recipient__email", "subject", "event_key"]
    date_hierarchy = "created_at"


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "registrant", "kind", "job"]
    list_filter = ["kind"]
    search_fields = ["registrant__ref", "registrant__family_name"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["thread", "from_registrant"]
    list_filter = ["from_registrant"]


@admin.register(MessagingBlock)
class MessagingBlockAdmin(ReadOnlyAdmin):
    list_display = ["registrant"]
