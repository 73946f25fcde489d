"""Staff pages: campaigns and shares with their figures, visits (the inspector's phone page),
rectification notices and their steps, draws with their replay."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView
from openpyxl import Workbook

from bureaus.pages import ScopedDetailView, ScopedListView, ScopedPageMixin
from complaints.models import Complaint
from core.errors import form_add_errors
from core.spreadsheets import text_cells, workbook_bytes, xlsx_response
from core.views import RecordActionView
from inspections import forms, selectors
from inspections.models import (
    Campaign,
    CampaignShare,
    Draw,
    Inspection,
    InspectionPolicy,
    RectificationNotice,
)
from inspections.services import draws, notice_documents, notices, visits


class CampaignListView(ScopedListView):
    """Campaigns issued by the user's bureau or below it."""

    model = Campaign
    permission_object = "campaign"
    paginate_by = 50

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau")


class CampaignDetailView(ScopedDetailView):
    """A campaign with the figures of every share the user sees."""

    model = Campaign
    permission_object = "campaign"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stats=selectors.campaign_statistics(user=self.request.user, campaign=self.object),
            street_stats=selectors.campaign_street_statistics(
                user=self.request.user, campaign=self.object
            ),
            shares=selectors.share_list(user=self.request.user).filter(campaign=self.object),
            **kwargs,
        )


class CampaignExportView(ScopedDetailView):
    """The campaign's figures per district as a workbook (the figures the summaries report)."""

    model = Campaign
    permission_object = "campaign"

    def render_to_response(self, context, **response_kwargs):
        user, campaign = self.request.user, self.object
        stats = selectors.campaign_statistics(user=user, campaign=campaign)
        streets = selectors.campaign_street_statistics(user=user, campaign=campaign)
        return xlsx_response(
            statistics_workbook(stats, title=str(_("Statistics")), streets=streets),
            f"campaign-{self.object.pk}-statistics.xlsx",
        )


def _statistics_sheet(workbook, title: str, stats: dict, rows_key: str, label) -> None:
    """One sheet of figures: a row per district (or street) and the total."""
    areas = sorted(stats["total"]["areas"])
    keys = ["institutions", "personnel_times", "vehicle_trips", "issued", "closed", "overdue"]
    keys += ["suspended", "banned"]
    header = [
        *label["header"],
        str(_("Institutions inspected")),
        str(_("Personnel-times")),
        str(_("Vehicle trips")),
        str(_("Notices issued")),
        str(pgettext_lazy("rectification notice status", "Closed")),
        str(_("Overdue")),
        str(_("Suspended")),
        str(_("Banned")),
        *areas,
    ]
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for r in stats[rows_key]:
        values = [*label["cells"](r), *(r[k] for k in keys)]
        sheet.append(text_cells(sheet, [*values, *(r["areas"].get(a, 0) for a in areas)]))
    total = stats["total"]
    blanks = [""] * (len(label["header"]) - 1)
    sheet.append(
        text_cells(
            sheet,
            [
                str(_("Total")),
                *blanks,
                *(total[k] for k in keys),
                *(total["areas"][a] for a in areas),
            ],
        )
    )


def statistics_workbook(stats: dict, *, title: str, streets: dict | None = None) -> bytes:
    """The figures per district on the first sheet and, when given, per street on the second
    (formula-safe cells, as every export)."""
    workbook = Workbook(write_only=True)
    district = {"header": [str(_("District"))], "cells": lambda r: [r["district"]]}
    _statistics_sheet(workbook, title, stats, "districts", district)
    if streets is not None:
        street = {
            "header": [str(_("District")), str(_("Street"))],
            "cells": lambda r: [r["district"], r["street"]],
        }
        _statistics_sheet(workbook, str(_("By street")), streets, "streets", street)
    return workbook_bytes(workbook)


class ShareListView(ScopedListView):
    """The campaign shares a district runs (a superior: those of its districts)."""

    model = CampaignShare
    permission_object = "campaignshare"
    paginate_by = 50
    template_name = "inspections/share_list.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("campaign", "bureau")


class ShareDetailView(ScopedDetailView):
    model = CampaignShare
    permission_object = "campaignshare"
    template_name = "inspections/share_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("campaign", "bureau")

    def get_context_data(self, **kwargs):
        share = self.object
        return super().get_context_data(
            stats=selectors.statistics(CampaignShare.objects.filter(pk=share.pk)),
            visits=share.inspections.select_related("institution"),
            draws=share.draws.all(),
            phases=share.campaign.phases.all(),
            **kwargs,
        )


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


class NoticeIssueView(InspectionStepView):
    step, title, form_class = "notice", _("Issue a rectification notice"), forms.NoticeIssueForm
    permission_object = "rectificationnotice"
    success_url_name = "inspections:inspection-detail"

    def allowed_steps(self, record, membership):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspection": self.object}

    def perform(self, form):
        notices.notice_issue(actor=self.request.user, inspection=self.object, **form.cleaned_data)


class NoticeListView(ScopedListView):
    model = RectificationNotice
    permission_object = "rectificationnotice"
    paginate_by = 50

    def scope_queryset(self, queryset):
        queryset = queryset.select_related("inspection__institution", "bureau")
        status = self.request.GET.get("status")
        if status in RectificationNotice.Status.values:
            queryset = queryset.filter(status=status)
        # The dashboard's figures link here (reports.figures): open, and overdue while open.
        closed = Q(status=RectificationNotice.Status.CLOSED)
        if self.request.GET.get("open"):
            queryset = queryset.exclude(closed)
        if self.request.GET.get("overdue"):
            queryset = queryset.filter(overdue_since__isnull=False).exclude(closed)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=RectificationNotice.Status.choices, today=timezone.localdate(), **kwargs
        )


class NoticeDetailView(ScopedDetailView):
    model = RectificationNotice
    permission_object = "rectificationnotice"

    def scope_queryset(self, queryset):
        return queryset.select_related(
            "inspection__institution", "inspection__complaint", "document"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            findings=self.object.findings.select_related("item"),
            steps=notices.notice_allowed_steps(self.object),
            may_document=notices.notice_document_allowed(self.object),
            **kwargs,
        )


class NoticeStepView(RecordActionView):
    model = RectificationNotice
    permission_object = "rectificationnotice"
    template_name = "inspections/step.html"
    success_url_name = "inspections:notice-detail"

    def allowed_steps(self, record, membership):
        return notices.notice_allowed_steps(record)


class NoticeSubmitView(NoticeStepView):
    step, title, form_class = "submit", _("Record the evidence"), forms.EvidenceForm
    permission_verb = "evidence"

    def perform(self, form):
        notices.notice_submit_evidence(
            actor=self.request.user, notice=self.object, **form.cleaned_data
        )


class NoticeVerifyView(NoticeStepView):
    step, title, form_class = "verify", _("Verify and close"), forms.NoteForm

    def perform(self, form):
        notices.notice_verify(actor=self.request.user, notice=self.object, **form.cleaned_data)


class NoticeRejectView(NoticeStepView):
    step, title, form_class = "reject", _("Reject the evidence"), forms.RejectForm

    def perform(self, form):
        notices.notice_reject(actor=self.request.user, notice=self.object, **form.cleaned_data)


class NoticeReissueView(NoticeStepView):
    step, title, form_class = "reissue", _("Re-issue with a new deadline"), forms.ReissueForm

    def perform(self, form):
        notices.notice_reissue(actor=self.request.user, notice=self.object, **form.cleaned_data)


class NoticeSanctionView(NoticeStepView):
    step, title, form_class = "sanction", _("Sanction the institution"), forms.SanctionForm

    def perform(self, form):
        notices.notice_sanction(actor=self.request.user, notice=self.object, **form.cleaned_data)


class NoticeDocumentView(NoticeStepView):
    """Issue the notice's official PDF (sealed, numbered, signed) through documents/, then
    open it; asking again for the same deadline gives the same document."""

    step, title, form_class = "document", _("Issue the official PDF"), forms.EmptyForm

    def allowed_steps(self, record, membership):
        return ["document"] if notices.notice_document_allowed(record) else []

    def perform(self, form):
        self.document = notice_documents.notice_document(
            actor=self.request.user,
            notice=self.object,
            base_url=self.request.build_absolute_uri("/"),
        )

    def get_success_url(self):
        return reverse("documents:document-pdf", kwargs={"pk": self.document.pk})


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


class PolicyView(ScopedPageMixin, FormView):
    """The district's period before an escalated notice goes on to the city."""

    model = InspectionPolicy
    permission_object = "inspectionpolicy"
    permission_verb = "change"
    writes = True
    form_class = forms.PolicyForm
    template_name = "inspections/policy_form.html"

    def get_initial(self):
        days = notices.city_escalation_days([self.membership.bureau_id])
        return {"city_escalation_days": days[self.membership.bureau_id]}

    def form_valid(self, form):
        try:
            notices.policy_set(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(reverse("inspections:policy"))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DrawDetailView(ScopedDetailView):
    """A draw, with its replay: recomputed from the recorded seed, pool and roster."""

    model = Draw
    permission_object = "draw"

    def scope_queryset(self, queryset):
        return queryset.select_related("share__campaign")

    def get_context_data(self, **kwargs):
        return super().get_context_data(replay=draws.draw_replay(self.object), **kwargs)
