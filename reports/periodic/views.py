"""Pages of the periodic reports: the archive of the bureau's subtree (download), which
districts have not reported, on-demand generation, and the district administrator's text
templates and reporting days."""

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bureaus.models import Bureau
from bureaus.pages import ScopedDetailView, ScopedListView
from core.views import ScopedFormView
from documents.views import pdf_response
from inspections import selectors as inspection_selectors
from reports.models import (
    PeriodicReport,
    ReportKind,
    ReportSchedule,
    ReportTemplate,
)
from reports.models.periodic import DEFAULT_REPORT_DAYS
from reports.periodic import content, forms, services, texts


class PeriodicReportListView(ScopedListView):
    """The reports of the bureau's subtree, newest first (a superior sees all its districts')."""

    model = PeriodicReport
    permission_object = "periodicreport"
    title = gettext_lazy("Periodic reports")
    template_name = "reports/periodic/report_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "document", "job__document")


class PeriodicReportPdfView(ScopedDetailView):
    """The issued report's PDF, byte for byte (the one whose hash is registered)."""

    model = PeriodicReport
    permission_object = "periodicreport"

    def scope_queryset(self, queryset):
        return queryset.select_related("document", "job__document")

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        document = report.issued_document
        if document is None:
            raise Http404
        return pdf_response(document, inline=request.GET.get("download") != "1")


def last_due(days, today: dt.date) -> dt.date:
    """The latest reporting day on or before today."""
    for back in range(0, 62):
        day = today - dt.timedelta(days=back)
        if day.day in days:
            return day
    return today


class PeriodicReportMissingView(ScopedListView):
    """For each district of the subtree: its last reporting date and whether its progress
    report of that date is issued (superiors see who has not reported)."""

    model = PeriodicReport
    permission_object = "periodicreport"
    title = gettext_lazy("Who has reported")
    template_name = "reports/periodic/report_missing.html"

    def scope_queryset(self, queryset):
        return queryset.filter(
            kind=ReportKind.PROGRESS, campaign_id__isnull=True, on_demand=False
        ).select_related("document")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        districts = Bureau.objects.visible_to(self.request.user).filter(level=Bureau.Level.DISTRICT)
        schedules = dict(
            ReportSchedule.objects.visible_to(self.request.user).values_list("bureau_id", "days")
        )
        due = {d.pk: last_due(schedules.get(d.pk, DEFAULT_REPORT_DAYS), today) for d in districts}
        issued = {
            r.bureau_id: r
            for r in self.get_queryset().filter(
                due_on__in=set(due.values()), status=PeriodicReport.Status.ISSUED
            )
            if r.due_on == due[r.bureau_id]
        }
        rows = [
            {"district": d, "due_on": due[d.pk], "report": issued.get(d.pk)}
            for d in sorted(districts, key=lambda d: d.code)
        ]
        context.update(rows=rows, missing=sum(1 for r in rows if r["report"] is None))
        return context


class PeriodicReportRequestView(ScopedFormView):
    """Generate a report now; the document job's page shows its progress."""

    model = PeriodicReport
    permission_object = "periodicreport"
    permission_verb = "generate"
    form_class = forms.ReportRequestForm
    title = gettext_lazy("Generate a report")
    template_name = "reports/periodic/report_request.html"

    def get_form_kwargs(self):
        shares = inspection_selectors.share_list(user=self.request.user).filter(
            bureau_id=self.membership.bureau_id
        )
        return {
            **super().get_form_kwargs(),
            "campaigns": [(s.campaign_id, s.campaign.name) for s in shares],
        }

    def perform(self, form):
        self.report = services.report_request(
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            campaign_id=form.cleaned_data["campaign"],
        )

    def get_success_url(self):
        if self.report.job_id:
            return reverse("documents:documentjob-detail", args=[self.report.job_id])
        return reverse("reports:periodic-report-list")


class ReportTemplateView(ScopedFormView):
    """The district administrator's wording of each kind of report, with its placeholders."""

    model = ReportTemplate
    permission_object = "reporttemplate"
    form_class = forms.ReportTemplateForm
    title = gettext_lazy("Report texts")
    template_name = "reports/periodic/template_form.html"
    success_message = gettext_lazy("The text of the report has been saved.")

    def kind(self):
        kind = self.request.POST.get("kind") or self.request.GET.get("kind")
        return kind if kind in ReportKind.values else ReportKind.PROGRESS

    def get_initial(self):
        kind = self.kind()
        return {
            "kind": kind,
            "text": content.report_text(bureau=self.membership.bureau, kind=kind),
        }

    def get_context_data(self, **kwargs):
        kind = self.kind()
        return super().get_context_data(
            kinds=ReportKind.choices,
            current_kind=kind,
            placeholders=sorted(texts.PLACEHOLDERS[kind].items()),
            **kwargs,
        )

    def perform(self, form):
        services.report_template_save(
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        )
        self.saved_kind = form.cleaned_data["kind"]

    def get_success_url(self):
        return reverse("reports:report-template") + f"?kind={self.saved_kind}"


class ReportScheduleView(ScopedFormView):
    """The district administrator's reporting days (default the 13th and 27th)."""

    model = ReportSchedule
    permission_object = "reportschedule"
    form_class = forms.ReportScheduleForm
    title = gettext_lazy("Reporting days")
    template_name = "reports/periodic/schedule_form.html"
    success_message = gettext_lazy("The reporting days have been saved.")
    success_url_name = "reports:report-schedule"

    def get_initial(self):
        schedule = self.get_queryset().first()
        days = schedule.days if schedule else DEFAULT_REPORT_DAYS
        return {
            "days": ", ".join(str(d) for d in days),
            "period_starts_on": schedule.period_starts_on if schedule else None,
        }

    def perform(self, form):
        services.report_schedule_save(
            actor=self.request.user,
            days=form.cleaned_data["days"],
            period_starts_on=form.cleaned_data["period_starts_on"],
        )
