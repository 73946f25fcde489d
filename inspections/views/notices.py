"""Rectification notices: issued from a visit, their list and steps, the PDF, and the
district's policy for chasing them."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureaus.pages import ScopedDetailView, ScopedListView
from core.tables import TableListMixin
from core.views import RecordActionView, ScopedFormView
from inspections import forms
from inspections.models import (
    InspectionPolicy,
    RectificationNotice,
)
from inspections.services import notice_documents, notices
from inspections.tables import NoticeTable
from inspections.views.visits import InspectionStepView


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


class NoticeListView(TableListMixin, ScopedListView):
    """Rectification notices (sortable, page size, page numbers, the district filter and
    grouping for superiors; stacked cards on a phone)."""

    model = RectificationNotice
    permission_object = "rectificationnotice"
    paginate_by = 50
    table_class = NoticeTable
    list_key = "rectificationnotices"
    choice_labels = ("status",)

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
        return self.table_order(queryset)

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


class PolicyView(ScopedFormView):
    """The district's period before an escalated notice goes on to the city."""

    model = InspectionPolicy
    permission_object = "inspectionpolicy"
    form_class = forms.PolicyForm
    title = _("Chasing rectification notices")
    template_name = "inspections/policy_form.html"
    success_message = _("Saved.")
    success_url_name = "inspections:policy"

    def get_initial(self):
        days = notices.city_escalation_days([self.membership.bureau_id])
        return {"city_escalation_days": days[self.membership.bureau_id]}

    def perform(self, form):
        notices.policy_set(actor=self.request.user, **form.cleaned_data)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
