"""Survey imports: past imports, the template, an upload, its progress and its error report."""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from bureaus.pages import ScopedCreateView, ScopedDetailView, ScopedListView
from core.spreadsheets import FileRefused, xlsx_response
from institutions import forms
from institutions.importing.jobs import import_job_create
from institutions.importing.workbooks import error_workbook, template_workbook
from institutions.models import ImportJob


class ImportJobListView(ScopedListView):
    """Past imports of the user's bureau subtree."""

    model = ImportJob
    permission_object = "institution"
    template_name = "institutions/importjob_list.html"
    title = gettext_lazy("Survey import")


class ImportTemplateView(ScopedListView):
    """The blank survey template: part of the import form, so for those who may import (it
    carries no record)."""

    model = ImportJob
    permission_object = "institution"
    permission_verb = "change"
    writes = True

    def get(self, request, *args, **kwargs):
        return xlsx_response(template_workbook(), "institution-survey-template.xlsx")


class ImportJobCreateView(ScopedCreateView):
    model = ImportJob
    form_class = forms.ImportForm
    permission_object = "institution"
    template_name = "institutions/importjob_form.html"
    title = gettext_lazy("Import a survey")

    def form_valid(self, form):
        try:
            self.object = import_job_create(
                actor=self.request.user,
                bureau=self.membership.bureau,
                upload=form.cleaned_data["file"],
            )
        except FileRefused as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("institutions:importjob-detail", args=[self.object.pk]))


class ImportJobDetailView(ScopedDetailView):
    """Progress (polled by htmx while it runs) and the result."""

    model = ImportJob
    permission_object = "institution"
    template_name = "institutions/importjob_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["institutions/_importjob_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(errors_preview=self.object.errors[:50], **kwargs)


class ImportErrorsView(ScopedDetailView):
    """The error report of one import, as a workbook (row, column, reason)."""

    model = ImportJob
    permission_object = "institution"

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        return xlsx_response(error_workbook(job), f"import-{job.pk}-errors.xlsx")
