"""Staff pages: campaigns and shares with their figures, visits (the inspector's phone page),
rectification notices and their steps, draws with their replay."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureaus.pages import ScopedDetailView, ScopedListView
from core.spreadsheets import write_only_workbook, xlsx_response
from core.views import RecordActionView
from inspections import forms, selectors
from inspections.models import Campaign, CampaignShare, Draw, Inspection, RectificationNotice
from inspections.services import draws, notices, visits


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
            shares=selectors.share_list(user=self.request.user).filter(campaign=self.object),
            **kwargs,
        )


class CampaignExportView(ScopedDetailView):
    """The campaign's figures per district as a workbook (the figures the summaries report)."""

    model = Campaign
    permission_object = "campaign"

    def render_to_response(self, context, **response_kwargs):
        stats = selectors.campaign_statistics(user=self.request.user, campaign=self.object)
        return xlsx_response(
            statistics_workbook(stats, title=str(_("Statistics"))),
            f"campaign-{self.object.pk}-statistics.xlsx",
        )


def statistics_workbook(stats: dict, *, title: str) -> bytes:
    areas = sorted(stats["total"]["areas"])
    header = [
        str(_("District")),
        str(_("Institutions inspected")),
        str(_("Personnel-times")),
        str(_("Vehicle trips")),
        str(_("Notices issued")),
        str(_("Closed")),
        str(_("Overdue")),
        str(_("Suspended")),
        str(_("Banned")),
        *areas,
    ]
    keys = ["institutions", "personnel_times", "vehicle_trips", "issued", "closed", "overdue"]
    keys += ["suspended", "banned"]
    rows = [
        [r["district"], *(r[k] for k in keys), *(r["areas"].get(a, 0) for a in areas)]
        for r in stats["districts"]
    ]
    total = stats["total"]
    rows.append([str(_("Total")), *(total[k] for k in keys), *(total["areas"][a] for a in areas)])
    return write_only_workbook(title, header, rows)


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
        return queryset.select_related("inspection__institution", "inspection__complaint")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            findings=self.object.findings.select_related("item"),
            steps=notices.notice_allowed_steps(self.object),
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


class DrawDetailView(ScopedDetailView):
    """A draw, with its replay: recomputed from the recorded seed, pool and roster."""

    model = Draw
    permission_object = "draw"

    def scope_queryset(self, queryset):
        return queryset.select_related("share__campaign")

    def get_context_data(self, **kwargs):
        return super().get_context_data(replay=draws.draw_replay(self.object), **kwargs)
