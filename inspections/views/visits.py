"""Visits: the record, its steps and the inspector's phone page; a visit opened from a
tip-off (the case chain)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureaus.pages import ScopedDetailView
from complaints.models import Complaint
from core.views import RecordActionView
from inspections import forms
from inspections.models import (
    Inspection,
)
from inspections.services import citations, visits


class InspectionDetailView(ScopedDetailView):
    model = Inspection
    permission_object = "inspection"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "share__campaign", "complaint")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            findings=self.object.findings.select_related("item").prefetch_related("photos"),
            notices=self.object.notices.all(),
            acknowledgements=self.object.acknowledgements.select_related("inspector"),
            citations=self.object.citations.visible_to(self.request.user).select_related(
                "complaint"
            ),
            **kwargs,
        )


class InspectionStepView(RecordActionView):
    model = Inspection
    permission_object = "inspection"
    template_name = "inspections/step.html"
    success_url_name = "inspections:inspection-detail"

    def allowed_steps(self, record, membership):
        return visits.VISIT.open_to(record)


class InspectionStartView(InspectionStepView):
    step, title, form_class = "start", _("Start the visit"), forms.EmptyForm
    success_url_name = "inspections:inspection-answer"

    def perform(self, form):
        visits.inspection_start(actor=self.request.user, inspection=self.object)


class InspectionConcludeView(InspectionStepView):
    step, title, form_class = "conclude", _("Conclude the visit"), forms.ConcludeForm

    def perform(self, form):
        visits.inspection_conclude(
            actor=self.request.user, inspection=self.object, **form.cleaned_data
        )


class InspectionAnswerView(RecordActionView):
    """The inspector's page on a phone: every item of the checklist with large answer buttons,
    a note and a camera photo; each answer is saved on its own (and again, harmlessly, when a
    lost connection returns)."""

    model = Inspection
    permission_object = "inspection"
    template_name = "inspections/inspection_answer.html"
    success_url_name = "inspections:inspection-answer"
    form_class = forms.AnswerForm
    title = _("Checklist")

    def get_context_data(self, **kwargs):
        answers = {f.item_id: f for f in self.object.findings.prefetch_related("photos")}
        items = [(item, answers.get(item.pk)) for item in self.object.share.campaign.items.all()]
        return super().get_context_data(
            items=items, in_progress=self.object.status == Inspection.Status.IN_PROGRESS, **kwargs
        )

    def perform(self, form):
        visits.answer_save(
            actor=self.request.user,
            inspection=self.object,
            captured_at=timezone.now(),
            **form.cleaned_data,
        )


class InspectionAcknowledgeView(InspectionStepView):
    """An inspector of the team acknowledges the concluded visit's record."""

    step, title, form_class = "acknowledge", _("Acknowledge the record"), forms.EmptyForm

    def allowed_steps(self, record, membership):
        return ["acknowledge"] if record.status == Inspection.Status.CONCLUDED else []

    def perform(self, form):
        visits.inspection_acknowledge(actor=self.request.user, inspection=self.object)


class InspectionRepresentativeView(InspectionStepView):
    """The institution's representative signs the concluded visit's record (or refuses)."""

    step, title = "representative", _("The representative's acknowledgement")
    form_class = forms.RepresentativeForm

    def allowed_steps(self, record, membership):
        done = record.representative_acknowledged_at is not None
        return (
            ["representative"] if record.status == Inspection.Status.CONCLUDED and not done else []
        )

    def perform(self, form):
        visits.inspection_representative_acknowledge(
            actor=self.request.user, inspection=self.object, **form.cleaned_data
        )


class VisitFromComplaintView(RecordActionView):
    """Open a visit from a tip-off (the case chain): the tip-off's institution, visited under
    one of the district's campaign shares; the visit cites the tip-off."""

    model = Complaint
    permission_object = "inspection"
    template_name = "inspections/step.html"
    form_class = forms.VisitFromComplaintForm
    title = _("Open a visit from this tip-off")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"planned_on": timezone.localdate(), "unannounced": True}

    def perform(self, form):
        if self.object.institution_id is None:
            raise ValidationError(_("Link the tip-off to an institution first."))
        self.visit = visits.inspection_plan(
            actor=self.request.user,
            institution=self.object.institution,
            complaint=self.object,
            **form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("inspections:inspection-detail", kwargs={"pk": self.visit.pk})


class ConcludeCitingVisitView(RecordActionView):
    """A tip-off's conclusion citing a visit of its institution (from the tip-off's page,
    through the inspections panel)."""

    model = Complaint
    permission_object = "complaint"
    template_name = "inspections/step.html"
    form_class = forms.ConcludeCitingVisitForm
    title = _("Conclude citing a visit")
    step = "conclude"
    success_message = _("Concluded.")

    def allowed_steps(self, record, membership):
        return ["conclude"] if record.status == Complaint.Status.INVESTIGATING else []

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "complaint": self.object}

    def perform(self, form):
        citations.complaint_conclude_citing_visit(
            actor=self.request.user, complaint=self.object, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("complaints:complaint-detail", kwargs={"pk": self.object.pk})
