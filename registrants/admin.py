from django.contrib import admin

from .models import DirectEmployment, DutyExperience, Registrant


class DutyExperienceInline(admin.TabularInline):
    model = DutyExperience
    extra = 0
    autocomplete_fields = ["duty"]


class DirectEmploymentInline(admin.TabularInline):
    model = DirectEmployment
    extra = 0


@admin.register(Registrant)
class RegistrantAdmin(admin.ModelAdmin):
    list_display = [
        "ref",
        "family_name",
        "given_name",
        "prefecture",
        "agency_employment",
        "registered_at",
    ]
    list_filter = ["agency_employment", "prefecture", "accepts_concurrent", "alert_frequency"]
    search_fields = [
        "ref",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "email",
    ]
    filter_horizontal = ["desired_duty_categories", "skills", "qualifications"]
    raw_id_fields = ["user"]
    inlines = [DutyExperienceInline, DirectEmploymentInline]
