from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import AgencyEstablishment, AgencySettings, Role, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class RegistrantSignUpForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    family_name = forms.CharField(label=_("Family name"), max_length=50)
    given_name = forms.CharField(label=_("Given name"), max_length=50)
    family_name_kana = forms.CharField(label=_("Family name (kana)"), max_length=50)
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=50)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that the agency uses my data only to find me work and to manage my "
            "assignments, and that clients only ever see an anonymized skill sheet."
        ),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("family_name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class AgencySettingsForm(forms.ModelForm):
    class Meta:
        model = AgencySettings
        fields = [
            "name",
            "permit_number",
            "uses_coordinators",
            "proposals_per_registrant_per_week",
            "messages_per_registrant_per_day",
            "response_target_hours",
            "step_target_days",
            "equal_pay_method",
        ]


AgencyEstablishmentFormSet = forms.modelformset_factory(
    AgencyEstablishment,
    fields=[
        "name",
        "postal_code",
        "address",
        "phone",
        "responsible_person",
        "uses_labour_agreement",
    ],
    extra=1,
    can_delete=True,
)


STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role != Role.REGISTRANT]


class StaffUserForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    display_name = forms.CharField(label=_("Name"), max_length=100)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=STAFF_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("Tell it to the person; they can change it after logging in."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password
