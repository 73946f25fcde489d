"""Forms of the periodic reports: on-demand generation, a report's text, the reporting days."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReportKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    # The district's own campaign shares (inspections.selectors.share_list), set by the view.
    campaign = forms.TypedChoiceField(
        label=_("Campaign"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", "—"), *campaigns]


class ReportTemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))


class ReportScheduleForm(forms.Form):
    days = forms.CharField(
        label=_("Reporting days of the month"),
        help_text=_("Days between 1 and 28, separated by commas (default 13, 27)."),
    )
    period_starts_on = forms.DateField(
        label=_("Period covered from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the first day of the year."),
    )

    def clean_days(self):
        raw = self.cleaned_data["days"].replace("，", ",").replace("、", ",")
        try:
            days = sorted({int(part) for part in raw.split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError(_("Give one or more days between 1 and 28.")) from None
        if not days or any(d < 1 or d > 28 for d in days):
            raise forms.ValidationError(_("Give one or more days between 1 and 28."))
        return days
