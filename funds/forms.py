from django import forms
from django.utils.translation import gettext_lazy as _

from funds.models import LedgerEntry


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", "---------"), *LedgerEntry.Kind.choices]
    )
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("Until"), required=False)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
