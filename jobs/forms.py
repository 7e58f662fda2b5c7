"""Forms of the agency's side: cases, their duties, flag justifications, screening steps and
clients. They validate input and name the field at fault; the services do the work."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from staffing import postal
from staffing.models import Role, User

from .models import (
    Client,
    ClientContact,
    Duty,
    Establishment,
    Job,
    JobConfidential,
    JobDuty,
    Unit,
    VisitNote,
)
from .models.case_review import AGE_EXCEPTIONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _postal_code_found(code: str) -> str:
    if postal.lookup(code) is None:
        raise forms.ValidationError(_("This postal code was not found."))
    return code


class CaseForm(forms.ModelForm):
    class Meta:
        model = Job
        fields = [
            "title",
            "unit",
            "case_sales",
            "duty_category",
            "description",
            "hourly_wage",
            "transport_allowance",
            "transport_cap_per_month",
            "work_days",
            "work_hours",
            "start",
            "end",
            "employment_contract_days",
            "renewal_possible",
            "headcount",
            "individual_limit_exemption",
            "postal_code",
            "place",
            "dress_code",
            "skills",
            "qualifications",
        ]
        widgets = {
            "start": DATE,
            "end": DATE,
            "description": forms.Textarea(attrs={"rows": 5}),
            "skills": forms.CheckboxSelectMultiple,
            "qualifications": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.select_related("establishment__client")
        self.fields["case_sales"].queryset = User.objects.with_role(Role.CASE_SALES)

    def clean_postal_code(self) -> str:
        return _postal_code_found(self.cleaned_data["postal_code"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        if cleaned.get("transport_allowance") == Job.TransportAllowance.CAPPED and not cleaned.get(
            "transport_cap_per_month"
        ):
            self.add_error("transport_cap_per_month", _("Give the monthly cap."))
        return cleaned


class ConfidentialForm(forms.ModelForm):
    prefix = "confidential"

    class Meta:
        model = JobConfidential
        fields = ["department_detail", "team", "reason", "selection_schedule", "bill_rate", "notes"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "selection_schedule": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class DutyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Duty) -> str:
        return f"{obj.category.name} / {obj.name}"


class DutyLineForm(forms.Form):
    duty = DutyChoiceField(
        label=_("duty"),
        queryset=Duty.objects.select_related("category").order_by(
            "category__sort_order", "sort_order", "code"
        ),
    )
    # An untouched extra line must count as unchanged, so the default kind is its initial value.
    kind = forms.ChoiceField(
        label=_("kind"), choices=JobDuty.Kind.choices, initial=JobDuty.Kind.REQUIRED
    )
    min_months = forms.IntegerField(label=_("minimum months"), min_value=0, max_value=600)


class BaseDutyFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            duty = form.cleaned_data.get("duty")
            if duty is not None and duty.pk in seen:
                form.add_error("duty", _("This duty is listed twice."))
            if duty is not None:
                seen.add(duty.pk)

    def lines(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed()
            and not self._should_delete_form(form)
            and form.cleaned_data.get("duty")
        ]


DutyFormSet = formset_factory(DutyLineForm, formset=BaseDutyFormSet, extra=2, can_delete=True)


def duty_initial(job: Job) -> list[dict]:
    return [
        {"duty": item.duty_id, "kind": item.kind, "min_months": item.min_months}
        for item in job.duties.all()
    ]


class JustifyForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    phrase = forms.CharField(widget=forms.HiddenInput)
    age_exception = forms.ChoiceField(
        label=_("Exception cited (労働施策総合推進法施行規則1条の3)"),
        choices=[("", "—"), *AGE_EXCEPTIONS],
        required=False,
    )
    text = forms.CharField(
        label=_("Justification in writing"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "age" and not cleaned.get("age_exception"):
            self.add_error("age_exception", _("Cite one of the six exceptions."))
        return cleaned


# --- Screening steps ---------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitForm(forms.Form):
    visit_at = forms.DateTimeField(
        label=_("Date and time of the workplace visit"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=_("Note"), required=False)


class ClientAnswerForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("The client's answer"),
        choices=[("yes", _("The client agreed")), ("no", _("The client declined"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the client said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agreed") is False and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Give the client's reason."))
        return cleaned


class OfferForm(forms.Form):
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE)
    hourly_wage = forms.IntegerField(label=_("Hourly wage (yen)"), min_value=1)
    bill_rate = forms.IntegerField(label=_("Hourly billing rate (yen)"), min_value=1)
    note = forms.CharField(label=_("Note"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        return cleaned


# --- Clients -------------------------------------------------------------------------------------


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "corporate_number", "industry", "service_sales", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_sales"].queryset = User.objects.with_role(Role.SERVICE_SALES)


class EstablishmentForm(forms.ModelForm):
    class Meta:
        model = Establishment
        fields = ["name", "postal_code", "address", "conflict_date", "conflict_date_extended_to"]
        widgets = {"conflict_date": DATE, "conflict_date_extended_to": DATE}

    def clean_postal_code(self) -> str:
        return postal.formatted(_postal_code_found(self.cleaned_data["postal_code"]))

    def clean(self):
        cleaned = super().clean()
        notified, extended = cleaned.get("conflict_date"), cleaned.get("conflict_date_extended_to")
        if extended and not notified:
            self.add_error("conflict_date", _("Give the notified conflict date first."))
        elif extended and notified and extended <= notified:
            self.add_error(
                "conflict_date_extended_to", _("The extended date must be after the notified one.")
            )
        return cleaned


class UnitForm(forms.ModelForm):
    prefix = "unit"

    class Meta:
        model = Unit
        fields = ["establishment", "name"]

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = client.establishments.all()


class ContactForm(forms.ModelForm):
    prefix = "contact"

    class Meta:
        model = ClientContact
        fields = ["name", "department", "position", "establishment", "email", "phone", "role_note"]

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = client.establishments.all()


class VisitNoteForm(forms.ModelForm):
    prefix = "visit"

    class Meta:
        model = VisitNote
        fields = ["visited_on", "establishment", "met", "summary", "needs"]
        widgets = {
            "visited_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = client.establishments.all()


class HandoverForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("organizational unit"), queryset=Unit.objects.none())
    case_sales = forms.ModelChoiceField(label=_("case sales rep"), queryset=User.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    heard = forms.CharField(
        label=_("What the client needs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept in the case's confidential part for the case sales rep."),
    )
    hourly_wage = forms.IntegerField(label=_("hourly wage (yen)"), min_value=1)
    start = forms.DateField(label=_("start"), widget=DATE)
    end = forms.DateField(label=_("end"), widget=DATE, required=False)
    headcount = forms.IntegerField(label=_("headcount"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            establishment__client=client
        ).select_related("establishment__client")
        self.fields["case_sales"].queryset = User.objects.with_role(Role.CASE_SALES)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        return cleaned
