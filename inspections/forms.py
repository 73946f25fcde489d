from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspections.models import Finding, Inspection


class AnswerForm(forms.Form):
    """One checklist answer (keyed by the item) with an optional photo from the camera."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("Result"), choices=Finding.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("inspection outcome", "Outcome"),
        choices=[c for c in Inspection.Outcome.choices if c[0] != Inspection.Outcome.PENDING],
    )
    personnel_times = forms.IntegerField(label=_("Personnel-times"), min_value=0)
    vehicle_trips = forms.IntegerField(label=_("Vehicle trips"), min_value=0)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)


class EmptyForm(forms.Form):
    pass


class NoticeIssueForm(forms.Form):
    findings = forms.MultipleChoiceField(
        label=_("Violation findings"), widget=forms.CheckboxSelectMultiple
    )
    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea)
    working_days = forms.IntegerField(label=_("Working days to rectify"), initial=10)

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.fields["findings"].choices = [
            (f.pk, f"{f.item.area}：{f.item.text[:40]}")
            for f in inspection.findings.filter(result=Finding.Result.VIOLATION).select_related(
                "item"
            )
        ]

    def clean_findings(self):
        ids = [int(pk) for pk in self.cleaned_data["findings"]]
        return list(self.inspection.findings.filter(pk__in=ids))


class EvidenceForm(forms.Form):
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Why the evidence is not enough"), widget=forms.Textarea)


class ReissueForm(forms.Form):
    working_days = forms.IntegerField(label=_("Working days to rectify"), initial=10)
