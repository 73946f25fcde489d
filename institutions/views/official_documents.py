"""Pages that issue the registry's official documents (see institutions.documents)."""

from django import forms
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from bureaus.pages import ScopedPageMixin
from core.views import RecordActionView
from institutions import official_documents as documents
from institutions.models import Institution, ListEntry


class ListDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), choices=ListEntry.Kind.choices)


def _job_redirect(job):
    return HttpResponseRedirect(reverse("documents:documentjob-detail", args=[job.pk]))


class ListDocumentView(ScopedPageMixin, FormView):
    """Issue the district's published white or black list as a sealed, signed PDF."""

    model = ListEntry
    permission_object = "institution"
    permission_verb = "change"
    writes = True
    form_class = ListDocumentForm
    template_name = "institutions/list_document_form.html"

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", ListEntry.Kind.BLACK)}

    def form_valid(self, form):
        job = documents.list_document_request(
            actor=self.request.user,
            bureau=self.membership.bureau,
            kind=form.cleaned_data["kind"],
            base_url=self.request.build_absolute_uri("/"),
        )
        return _job_redirect(job)


class InstitutionSheetView(RecordActionView):
    """Issue one institution's information sheet (机构信息表) as a sealed, signed PDF."""

    model = Institution
    permission_object = "institution"
    form_class = forms.Form
    template_name = "institutions/list_document_form.html"
    success_message = _("The information sheet is being prepared.")

    def perform(self, form):
        self.job = documents.institution_sheet_request(
            actor=self.request.user,
            institution=self.object,
            base_url=self.request.build_absolute_uri("/"),
        )

    def get_success_url(self):
        return reverse("documents:documentjob-detail", args=[self.job.pk])
