"""Fee records and fee-cap violations, and their Excel export (students masked)."""

import csv

from django.http import HttpResponse
from django.utils.translation import gettext as gettext_now

from bureaus.pages import ScopedDetailView, ScopedListView
from core.tables import TableListMixin
from core.views import NotificationsReadMixin
from funds import selectors
from funds.models import (
    FeeRecord,
)
from funds.tables import FeeRecordTable


def _safe(value: str) -> str:
    """A cell a spreadsheet program would read as a formula is neutralised."""
    return ("'" + value) if value[:1] in "=+-@" else value


class FeeRecordListView(TableListMixin, ScopedListView):
    """Fee records (students masked), violations of the fee cap listed per institution.
    Sortable columns, page size, column choice, saved filters, a district filter for superiors
    (core.tables)."""

    model = FeeRecord
    permission_object = "feerecord"
    template_name = "funds/feerecord_list.html"
    paginate_by = 50
    table_class = FeeRecordTable
    list_key = "fee-records"
    extra_params = ("violations",)

    def scope_queryset(self, queryset):
        self.scoped = queryset
        if self.request.GET.get("violations"):
            queryset = queryset.filter(violates_cap=True)
        return self.table_order(queryset.select_related("institution", "bureau"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(violations=selectors.violations(self.scoped), **kwargs)


class FeeRecordDetailView(NotificationsReadMixin, ScopedDetailView):
    model = FeeRecord
    permission_object = "feerecord"
    template_name = "funds/feerecord_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "bureau")

    def get_context_data(self, **kwargs):
        record = self.object
        return super().get_context_data(
            lessons=record.lessons.all(),
            refunds=record.refunds.all(),
            entries=record.entries.all(),
            **kwargs,
        )


class FeeRecordExportView(ScopedListView):
    """Fee records as CSV (students masked); ?violations=1 for the violations only."""

    model = FeeRecord
    permission_object = "feerecord"
    paginate_by = None

    def scope_queryset(self, queryset):
        if self.request.GET.get("violations"):
            queryset = queryset.filter(violates_cap=True)
        return queryset.select_related("institution", "bureau")

    def get(self, request, *args, **kwargs):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="fee-records.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                gettext_now("District"),
                gettext_now("Institution"),
                gettext_now("Contract number"),
                gettext_now("Student"),
                gettext_now("Course"),
                gettext_now("Amount (yuan)"),
                gettext_now("Collected on"),
                gettext_now("Period start"),
                gettext_now("Period end"),
                gettext_now("Class hours"),
                gettext_now("Violation"),
            ]
        )
        for r in self.get_queryset().iterator():
            writer.writerow(
                [
                    r.bureau.name,
                    _safe(r.institution.name),
                    _safe(r.contract_number),
                    r.masked_student_name,
                    _safe(r.course_name),
                    f"{r.amount_fen / 100:.2f}",
                    r.collected_on.isoformat(),
                    r.period_start.isoformat(),
                    r.period_end.isoformat(),
                    r.class_hours,
                    r.violation,
                ]
            )
        return response
