"""The registrant's forms: each checks its input and names the field that is wrong.

Saving is the services' business (``registrants.services``); a form only validates.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from jobs.models import Duty
from jobs.models.clients import validate_corporate_number
from staffing import postal

from .models import DirectEmployment, Dismissal, Registrant


class NoColon:
    """Labels without the trailing colon: they sit above their field, and Japanese needs none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ContactForm(NoColon, forms.ModelForm):
    class Meta:
        model = Registrant
        fields = ["phone", "postal_code", "nearest_station"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip()
        if code and postal.lookup(code) is None:
            raise forms.ValidationError(
                _("We do not know the postal code %(code)s. Please check it."),
                params={"code": code},
            )
        return code


class DesiredConditionsForm(NoColon, forms.ModelForm):
    class Meta:
        model = Registrant
        fields = [
            "desired_duty_categories",
            "min_hourly_wage",
            "max_commute_minutes",
            "contract_months_min",
            "contract_months_max",
            "desired_days",
            "desired_hours",
            "transport_allowance_required",
        ]
        widgets = {"desired_duty_categories": forms.CheckboxSelectMultiple}
        help_texts = {
            "min_hourly_wage": _("Jobs that pay less are shown with a caveat, never hidden."),
            "max_commute_minutes": _("One way, door to door."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Categories of work that may not be dispatched (派遣法4条) are no one's wish here.
        categories = self.fields["desired_duty_categories"]
        categories.queryset = (
            categories.queryset.filter(duties__prohibited=False).distinct().order_by("sort_order")
        )

    def clean_max_commute_minutes(self):
        minutes = self.cleaned_data["max_commute_minutes"]
        if minutes is not None and not 5 <= minutes <= 240:
            raise forms.ValidationError(_("Enter between 5 and 240 minutes."))
        return minutes

    def clean(self):
        cleaned = super().clean()
        shortest, longest = cleaned.get("contract_months_min"), cleaned.get("contract_months_max")
        if shortest is not None and longest is not None and longest < shortest:
            self.add_error(
                "contract_months_max",
                _("The longest contract cannot be shorter than the shortest (%(months)s months).")
                % {"months": shortest},
            )
        return cleaned


class AvailabilityForm(NoColon, forms.ModelForm):
    class Meta:
        model = Registrant
        fields = ["available_from", "accepts_concurrent"]
        widgets = {"available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "accepts_concurrent": _(
                "Tick if you would take a job that overlaps an assignment you already have. "
                "Overlaps are always shown to you."
            ),
        }


class SkillsForm(NoColon, forms.ModelForm):
    class Meta:
        model = Registrant
        fields = ["skills", "qualifications"]
        widgets = {
            "skills": forms.CheckboxSelectMultiple,
            "qualifications": forms.CheckboxSelectMultiple,
        }


class ContactPreferencesForm(NoColon, forms.ModelForm):
    class Meta:
        model = Registrant
        fields = [
            "accepts_proposals",
            "contact_by_email",
            "contact_by_phone",
            "alert_frequency",
            "alert_min_score",
        ]

    def __init__(self, *args, uses_coordinators: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not uses_coordinators:
            del self.fields["accepts_proposals"]


class ExperienceForm(NoColon, forms.Form):
    duty = forms.ModelChoiceField(
        label=_("Duty"),
        queryset=Duty.objects.all(),
        error_messages={"required": _("Choose a duty from the search results.")},
    )
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=600)
    last_year = forms.IntegerField(label=_("Last year done"), required=False, min_value=1950)

    def clean_last_year(self):
        year = self.cleaned_data["last_year"]
        if year is not None and year > datetime.date.today().year:
            raise forms.ValidationError(_("The last year cannot be in the future."))
        return year


class DirectEmploymentForm(NoColon, forms.ModelForm):
    class Meta:
        model = DirectEmployment
        fields = [
            "employer_name",
            "employer_corporate_number",
            "employment_type",
            "start",
            "end",
            "retired_at_mandatory_age",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "employer_corporate_number": _(
                "13 digits (法人番号); look it up at houjin-bangou.nta.go.jp. The law forbids "
                "dispatching you to an employer you left less than a year ago."
            ),
            "end": _("Leave empty if you still work there."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer_corporate_number"].validators.append(validate_corporate_number)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned


class ReasonForm(NoColon, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please give a reason.")},
    )


class VisitRequestForm(NoColon, forms.Form):
    note = forms.CharField(
        label=_("Days and times that suit you (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DismissForm(NoColon, forms.Form):
    reason = forms.ChoiceField(label=_("Why not?"), choices=Dismissal.Reason.choices)
    note = forms.CharField(label=_("Anything to add (optional)"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == Dismissal.Reason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Please say why, in a few words."))
        return cleaned


class DeletionRequestForm(NoColon, forms.Form):
    note = forms.CharField(
        label=_("Anything the agency should know (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that records the law requires the agency to keep are kept."),
        error_messages={"required": _("Please tick this box to send the request.")},
    )
