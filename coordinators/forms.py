from django import forms
from django.utils.translation import gettext_lazy as _

from jobs.models import Job

from .models import ContactNote


class CandidateFilterForm(forms.Form):
    eligible = forms.BooleanField(label=_("Eligible only"), required=False)
    min_score = forms.IntegerField(
        label=_("Minimum score"), required=False, min_value=0, max_value=100
    )
    without_caveats = forms.BooleanField(label=_("Without caveats"), required=False)
    shortlisted = forms.BooleanField(label=_("Shortlisted only"), required=False)
    uncontacted = forms.BooleanField(label=_("Not proposed or applied yet"), required=False)


class ProposeForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the registrants"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say why the case fits, and state every caveat of the pair plainly."),
    )
    registrant = forms.TypedMultipleChoiceField(
        label=_("Registrants"),
        coerce=int,
        choices=(),
        error_messages={
            "required": _("Select at least one registrant."),
        },
    )
    caveats_stated = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)

    def __init__(self, *args, candidate_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(pk, pk) for pk in candidate_ids]
        self.fields["registrant"].choices = choices
        self.fields["caveats_stated"].choices = choices


class ContactNoteForm(forms.ModelForm):
    class Meta:
        model = ContactNote
        fields = ["kind", "job", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = Job.objects.open().order_by("-published_at")
