from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.forms import ScopedForm, ScopedModelChoiceField
from bureaus.models import Street
from complaints.models import Complaint
from inspections.models import CampaignShare, Finding, Inspection, RectificationNotice
from inspections.services.citations import citable_visits
from inspections.services.draws import FLAGS
from institutions.models import Institution

Category = Institution.Category
InstitutionStatus = Institution.Status


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


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Representative"), max_length=50)
    role = forms.CharField(label=_("Representative's position"), max_length=50, required=False)
    refused = forms.BooleanField(label=_("The representative refused to sign"), required=False)


class SanctionForm(forms.Form):
    sanction = forms.ChoiceField(
        label=_("Sanction"),
        choices=[c for c in RectificationNotice.Sanction.choices if c[0]],
    )
    reason = forms.CharField(label=_("Reason for the sanction"), widget=forms.Textarea)
    students_placed = forms.IntegerField(
        label=_("Students placed"), min_value=0, max_value=1_000_000, initial=0
    )
    refund_students = forms.IntegerField(
        label=_("Students refunded"), min_value=0, max_value=1_000_000, initial=0
    )
    refunded_yuan = forms.DecimalField(
        label=_("Fees refunded (yuan)"),
        min_value=0,
        max_value=10**11,
        decimal_places=2,
        max_digits=14,
        initial=0,
    )

    def clean(self):
        data = super().clean()
        if data.get("refunded_yuan") is not None:
            data["refunded_fen"] = int(data.pop("refunded_yuan") * 100)
        return data


class PolicyForm(forms.Form):
    city_escalation_days = forms.IntegerField(
        label=_("Escalate to the city after (working days)"), min_value=1, max_value=60
    )


class VisitFromComplaintForm(ScopedForm):
    """A visit opened from a tip-off: the district's campaign share it belongs to, when."""

    share = ScopedModelChoiceField(
        CampaignShare.objects.select_related("campaign"), label=_("Campaign")
    )
    planned_on = forms.DateField(
        label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    unannounced = forms.BooleanField(label=_("Unannounced"), required=False, initial=True)


class ConcludeCitingVisitForm(ScopedForm):
    """A tip-off's conclusion citing a visit of its institution (complaints' conclusion, with
    the visit named in the timeline and linked from both sides)."""

    inspection = ScopedModelChoiceField(Inspection.objects.all(), label=_("Visit"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Complaint.Outcome.choices)
    public_reply = forms.CharField(
        label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["inspection"]
        field.queryset = field.queryset & citable_visits(complaint)
        field.label_from_instance = citation_label


class DrawForm(ScopedForm):
    """A random draw (双随机) of the district's share: by count or by ratio of the pool, the
    pool narrowed by filters, optionally weighted by risk. The service checks the rest (a draw
    larger than the pool is refused on the count field, nothing written)."""

    count = forms.IntegerField(label=_("Number of institutions"), required=False, min_value=1)
    ratio = forms.DecimalField(
        label=_("Ratio of the pool"),
        required=False,
        min_value=Decimal("0.0001"),
        max_value=Decimal(1),
        decimal_places=4,
        help_text=_("e.g. 0.1 draws a tenth of the institutions matching the filters"),
    )
    weighted = forms.BooleanField(
        label=_("Weight by risk"),
        required=False,
        help_text=_(
            "Institutions with warnings, overdue notices or open tip-offs are more likely "
            "to be drawn."
        ),
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "---------"), *Category.choices]
    )
    street = ScopedModelChoiceField(Street.objects.all(), label=_("Street"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", "---------"), *InstitutionStatus.choices],
    )
    warnings = forms.BooleanField(label=_("With warnings"), required=False)
    overdue_notices = forms.BooleanField(label=_("With an overdue notice"), required=False)
    open_tipoffs = forms.BooleanField(label=_("With an open tip-off"), required=False)
    seed = forms.CharField(
        label=_("Seed"),
        required=False,
        max_length=64,
        help_text=_("Leave empty for a random seed."),
    )

    def clean(self):
        data = super().clean()
        if data.get("count") and data.get("ratio"):
            self.add_error("ratio", _("Give a count or a ratio, not both."))
        elif not data.get("count") and not data.get("ratio") and not self.errors:
            self.add_error("count", _("Give the number of institutions to draw."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        filters = {k: data.get(k) for k in ("category", "status", *FLAGS)}
        filters["street"] = data["street"].pk if data.get("street") else None
        return {
            "count": data.get("count"),
            "ratio": data.get("ratio"),
            "weighted": data.get("weighted", False),
            "filters": filters,
            "seed": data.get("seed", ""),
        }


def citation_label(visit) -> str:
    return (
        f"{visit.planned_on:%Y-%m-%d} · {visit.share.campaign.name} · {visit.get_outcome_display()}"
    )
