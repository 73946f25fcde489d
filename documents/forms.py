from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import IssuedDocument


class SealForm(forms.Form):
    image = forms.FileField(
        label=_("Seal image"),
        help_text=_("PNG with a transparent background (or JPEG), at most 2 MB."),
    )


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("PDF file to check"))


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *IssuedDocument.Kind.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    number = forms.CharField(label=_("Document number"), required=False, max_length=60)
