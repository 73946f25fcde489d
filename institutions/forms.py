"""Forms of the registry pages: input shape and Chinese field errors; the rules live in
services.py and their refusals are shown on the field they concern."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureaus.forms import ScopedModelForm
from institutions import rules
from institutions.credit_code import normalize
from institutions.models import AnnualReview, Credential, Institution, ListEntry, Site
from institutions.services.lifecycle import TRANSITIONS
from institutions.services.registry import INSTITUTION_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstitutionForm(ScopedModelForm):
    class Meta:
        model = Institution
        fields = list(INSTITUTION_FIELDS)
        widgets = {"contact_phone": forms.TextInput()}
        help_texts = {
            "department": _("Leave empty to use the department of the category."),
            "credit_code": _("18 characters; the check digit is verified."),
        }

    def clean_credit_code(self):
        code = normalize(self.cleaned_data.get("credit_code", ""))
        if code:
            message = rules.credit_code_error(code)
            if message:
                raise forms.ValidationError(message)
        return code

    def validate_unique(self):
        # Uniqueness of the credit code is checked (with a Chinese message) by the service.
        return

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Decision date"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[institution.status]
        self.fields["to_status"].choices = [
            (value, label) for value, label in Institution.Status.choices if value in allowed
        ]


class ListEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), choices=ListEntry.Kind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for the black list."),
    )
    decided_on = forms.DateField(label=_("Decision date"), widget=DATE, initial=timezone.localdate)
    publish = forms.BooleanField(label=_("Publish now"), required=False)


class ListEntryLiftForm(forms.Form):
    lift_reason = forms.CharField(
        label=_("Reason for lifting"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    """A button that confirms an action (publishing)."""


class CredentialForm(forms.ModelForm):
    class Meta:
        model = Credential
        fields = ["kind", "number", "issuer", "issued_on", "expires_on", "scope"]
        widgets = {"issued_on": DATE, "expires_on": DATE, "scope": forms.Textarea({"rows": 3})}

    def validate_unique(self):
        # One credential per kind: recording a kind again replaces it (a renewal).
        return


class SiteForm(ScopedModelForm):
    class Meta:
        model = Site
        fields = ["address", "street", "area_m2", "approved", "fire_safety", "fire_document"]


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        help_text=_("Stored encrypted and shown masked."),
    )
    is_teaching = forms.BooleanField(label=_("Teaches"), required=False, initial=True)
    subjects = forms.CharField(label=_("Subjects"), required=False, max_length=100)
    qualification_number = forms.CharField(
        label=_("Teacher qualification certificate number"), required=False, max_length=40
    )
    is_in_service_teacher = forms.BooleanField(
        label=_("In-service primary or secondary school teacher"), required=False
    )


class AnnualReviewForm(forms.ModelForm):
    class Meta:
        model = AnnualReview
        fields = ["year", "result", "reviewed_on", "notes"]
        widgets = {"reviewed_on": DATE, "notes": forms.Textarea({"rows": 3})}

    def validate_unique(self):
        # Recording a year again corrects it.
        return


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Survey file"),
        help_text=_(".xlsx or .csv with the template's headers."),
    )

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
