"""Staff pages: the bureau's issued documents (filters, download), a document job's progress,
and the district administrator's seal."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from bureaus.pages import ScopedDetailView, ScopedListView, ScopedPageMixin
from core.tables import TableListMixin, empty_reads_all
from documents import seals, selectors, services
from documents.forms import DocumentFilterForm, SealForm
from documents.models import DocumentJob, IssuedDocument, Seal
from documents.tables import DocumentTable


def pdf_response(document: IssuedDocument, *, inline: bool = True) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=not inline,
        filename=f"{document.number}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DocumentListView(TableListMixin, ScopedListView):
    """The issued documents of the bureau's subtree, newest first. Sortable columns, page size,
    column choice, saved filters, a district filter for superiors (core.tables)."""

    model = IssuedDocument
    permission_object = "document"
    title = gettext_lazy("Issued documents")
    template_name = "documents/document_list.html"
    table_class = DocumentTable
    list_key = "documents"
    extra_params = ("kind", "year", "number")  # DocumentFilterForm's

    def filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._filter_form = DocumentFilterForm(self.request.GET or None)
            self._filter_form.is_valid()
        return self._filter_form

    def scope_queryset(self, queryset):
        data = getattr(self.filter_form(), "cleaned_data", {}) or {}
        return self.table_order(
            selectors.document_filter(
                queryset,
                kind=data.get("kind") or "",
                year=data.get("year"),
                number=data.get("number") or "",
            )
        )

    def get_context_data(self, **kwargs):
        empty_reads_all(self.filter_form())
        return super().get_context_data(filter_form=self.filter_form(), **kwargs)


class DocumentDetailView(ScopedDetailView):
    model = IssuedDocument
    permission_object = "document"
    template_name = "documents/document_detail.html"

    def scope_queryset(self, queryset):
        return selectors.document_filter(queryset)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            verify_url=services.verify_url(self.object.token, self.request.build_absolute_uri("/")),
            successor=IssuedDocument.objects.filter(supersedes=self.object).first(),
            **kwargs,
        )


class DocumentPdfView(ScopedDetailView):
    """The stored file, byte for byte (the one whose hash is registered)."""

    model = IssuedDocument
    permission_object = "document"

    def get(self, request, *args, **kwargs):
        return pdf_response(self.get_object(), inline=request.GET.get("download") != "1")


class DocumentJobDetailView(ScopedDetailView):
    """A queued document's progress; the page refreshes itself until it is issued."""

    model = DocumentJob
    permission_object = "document"
    template_name = "documents/documentjob_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("document")


class SealView(ScopedPageMixin, FormView):
    """The district administrator's seal: upload an image or go back to the drawn seal."""

    model = Seal
    permission_object = "seal"
    permission_verb = "change"
    writes = True
    form_class = SealForm
    template_name = "documents/seal_form.html"

    def get_context_data(self, **kwargs):
        bureau = self.membership.bureau
        seal = self.get_queryset().first()
        return super().get_context_data(
            seal=seal,
            seal_uri=seals.seal_data_uri(bureau=bureau, seal=seal),
            drawn_uri="data:image/svg+xml;base64,"
            + base64.b64encode(seals.seal_svg(bureau.name).encode()).decode(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "reset" in request.POST:
            services.seal_reset(actor=request.user)
            messages.success(request, _("The seal drawn from the bureau's name is used again."))
            return HttpResponseRedirect(reverse("documents:seal"))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.seal_upload(actor=self.request.user, upload=form.cleaned_data["image"])
        except ValidationError as exc:
            form.add_error("image", exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("The seal has been replaced."))
        return HttpResponseRedirect(reverse("documents:seal"))
