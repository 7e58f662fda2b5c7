from django.contrib import admin

from .models import (
    Assignment,
    CaseLog,
    Client,
    ClientContact,
    Duty,
    DutyCategory,
    Establishment,
    FlagJustification,
    GoingRate,
    Job,
    JobConfidential,
    JobDuty,
    Qualification,
    Skill,
    Unit,
    VisitNote,
)


@admin.register(DutyCategory)
class DutyCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "sort_order"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "category", "day_dispatch_exempt", "prohibited"]
    list_filter = ["category", "day_dispatch_exempt", "prohibited"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Skill, Qualification)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en"]
    search_fields = ["code", "name_ja", "name_en"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = [
        "ref",
        "name",
        "client",
        "postal_code",
        "conflict_date",
        "conflict_date_extended_to",
    ]
    list_filter = ["client"]
    search_fields = ["ref", "name", "client__name"]
    inlines = [UnitInline]


class EstablishmentInline(admin.TabularInline):
    model = Establishment
    extra = 0
    show_change_link = True


class ClientContactInline(admin.TabularInline):
    model = ClientContact
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "corporate_number", "industry", "service_sales"]
    list_filter = ["industry"]
    search_fields = ["ref", "name", "corporate_number"]
    inlines = [EstablishmentInline, ClientContactInline]


@admin.register(VisitNote)
class VisitNoteAdmin(admin.ModelAdmin):
    list_display = ["client", "establishment", "visited_on", "by"]
    search_fields = ["client__name", "summary", "needs"]
    date_hierarchy = "visited_on"


@admin.register(GoingRate)
class GoingRateAdmin(admin.ModelAdmin):
    """The agency keeps the yearly going-rate wages (一般賃金) its labour agreement applies."""

    list_display = ["fiscal_year", "duty_category", "prefecture", "hourly_wage"]
    list_filter = ["fiscal_year", "duty_category", "prefecture"]
    list_editable = ["hourly_wage"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "establishment"]
    search_fields = ["ref", "name", "establishment__name", "establishment__client__name"]


class JobDutyInline(admin.TabularInline):
    model = JobDuty
    extra = 0
    autocomplete_fields = ["duty"]


class JobConfidentialInline(admin.StackedInline):
    model = JobConfidential


class FlagJustificationInline(admin.TabularInline):
    model = FlagJustification
    extra = 0
    readonly_fields = ["kind", "phrase", "age_exception", "text", "by", "at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CaseLogInline(admin.TabularInline):
    model = CaseLog
    extra = 0
    readonly_fields = ["action", "by", "at", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "unit", "status", "hourly_wage", "start", "end", "case_sales"]
    list_filter = ["status", "duty_category", "transport_allowance", "prefecture"]
    search_fields = ["ref", "title", "description", "unit__establishment__client__name"]
    autocomplete_fields = ["unit"]
    filter_horizontal = ["skills", "qualifications"]
    inlines = [JobDutyInline, JobConfidentialInline, FlagJustificationInline, CaseLogInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["registrant", "unit", "start", "end", "hourly_wage", "hourly_bill_rate"]
    list_filter = ["unit__establishment__client"]
    search_fields = ["registrant__family_name", "registrant__ref", "unit__name"]
    autocomplete_fields = ["registrant", "unit", "job"]
    date_hierarchy = "start"
