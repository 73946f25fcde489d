from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from bureaus.forms import ScopedForm, ScopedModelChoiceField
from institutions.models import Institution


class InvitationForm(ScopedForm):
    """A district officer invites an institution's contact (only the district's institutions
    are offered)."""

    institution = ScopedModelChoiceField(Institution.objects.all(), label=_("Institution"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)


class AcceptForm(forms.Form):
    """The invited person chooses their username and password."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence of rectification"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was put right, when, and where the proof can be seen."),
    )
