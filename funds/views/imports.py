"""Bank statement imports: upload (queued as a background job) and the job's page."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from core import spreadsheets as sheets
from core.tables import TableListMixin
from funds import forms
from funds.models import (
    StatementImport,
)
from funds.services import statements
from funds.tables import StatementImportTable


class StatementImportListView(TableListMixin, ScopedListView):
    """Statement imports of the subtree, newest first; the district's officers upload a file
    here. Sortable columns, page size, column choice, saved filters, a district filter for
    superiors (core.tables)."""

    model = StatementImport
    permission_object = "statementimport"
    template_name = "funds/statementimport_list.html"
    paginate_by = 50
    table_class = StatementImportTable
    list_key = "statement-imports"

    def scope_queryset(self, queryset):
        return self.table_order(queryset.select_related("bureau"))

    def _may_upload(self):
        return membership_may(self.membership, "statementimport.change")

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None)
        if form is None and self._may_upload():
            form = forms.StatementUploadForm()
        return super().get_context_data(form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self._may_upload():
            raise PermissionDenied
        form = forms.StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = statements.statement_import_create(
                    actor=request.user,
                    bureau=self.membership.bureau,
                    upload=form.cleaned_data["file"],
                )
            except sheets.FileRefused as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("funds:statementimport-detail", pk=job.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StatementImportDetailView(ScopedDetailView):
    """One import: its progress (polled by htmx while the job runs) and its report, line by
    line."""

    model = StatementImport
    permission_object = "statementimport"
    template_name = "funds/statementimport_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["funds/_statementimport_progress.html"]
        return [self.template_name]
