"""Staff pages of the registry: list with filters and export, detail with its timeline,
create and edit, and the actions (status, lists, credentials, sites, staff, annual review)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from bureaus.models import AuditEvent
from bureaus.pages import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedPageMixin,
    ScopedUpdateView,
)
from bureaus.permissions import membership_may
from institutions import forms, importing, rules, selectors, services
from institutions.filters import InstitutionFilterSet
from institutions.models import ImportJob, Institution, ListEntry, Site, Staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def add_errors(form, exc: ValidationError) -> None:
    """Show a service refusal on the field it concerns (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class InstitutionListView(ScopedListView):
    """Filters, search by name / pinyin initials / credit code, and export of the result."""

    model = Institution
    permission_object = "institution"
    template_name = "institutions/institution_list.html"
    choice_labels = ("category", "status")

    def scope_queryset(self, queryset):
        self.filterset = InstitutionFilterSet(
            self.request.GET,
            queryset=selectors.institution_annotate(queryset),
            request=self.request,
        )
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            return xlsx_response(
                importing.export_workbook(self.get_queryset()), f"institutions-{stamp}.xlsx"
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context = super().get_context_data(
            filter=self.filterset, export_query=query.urlencode(), **kwargs
        )
        for institution in context["object_list"]:
            institution.warning_labels = rules.labels(institution.warning_codes)
        return context


class InstitutionDetailView(ScopedDetailView):
    model = Institution
    permission_object = "institution"
    template_name = "institutions/institution_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("street", "bureau")

    def get_context_data(self, **kwargs):
        institution = self.object
        entries = list(institution.list_entries.all())
        changes = list(institution.status_changes.select_related("actor"))
        timeline = []
        for change in changes:
            timeline.append(
                {
                    "at": change.decided_on,
                    "kind": "status",
                    "text": _("Status: %(from)s → %(to)s")
                    % {
                        "from": Institution.Status(change.from_status).label,
                        "to": Institution.Status(change.to_status).label,
                    },
                    "detail": change.reason,
                    "by": change.actor,
                }
            )
        for entry in entries:
            timeline.append(
                {
                    "at": entry.decided_on,
                    "kind": entry.kind,
                    "text": _("Put on the %(list)s") % {"list": entry.get_kind_display()},
                    "detail": entry.reason,
                }
            )
            if entry.published_on:
                timeline.append(
                    {
                        "at": entry.published_on,
                        "kind": entry.kind,
                        "text": _("%(list)s entry published") % {"list": entry.get_kind_display()},
                        "detail": "",
                    }
                )
            if entry.lifted_on:
                timeline.append(
                    {
                        "at": entry.lifted_on,
                        "kind": entry.kind,
                        "text": _("Lifted from the %(list)s") % {"list": entry.get_kind_display()},
                        "detail": entry.lift_reason,
                    }
                )
        timeline.sort(key=lambda item: item["at"], reverse=True)
        membership = self.membership
        # 三权分立: the audit trail itself is for auditors (bureaus.permissions).
        audit = []
        if membership_may(membership, "auditevent.view"):
            audit = list(
                AuditEvent.objects.visible_to(self.request.user)
                .filter(model="institutions.institution", object_id=str(institution.pk))
                .order_by("-at")[:20]
            )
        may_change = (
            membership_may(membership, "institution.change")
            and institution.bureau_id == membership.bureau_id
        )
        return super().get_context_data(
            credentials=list(institution.credentials.all()),
            sites=list(institution.sites.select_related("street")),
            staff=list(institution.staff.all()),
            reviews=list(institution.annual_reviews.all()),
            entries=entries,
            timeline=timeline,
            audit=audit,
            warnings=rules.labels(institution.warning_codes),
            may_change=may_change,
            next_statuses=services.TRANSITIONS[institution.status],
            today=timezone.localdate(),
            **kwargs,
        )


class InstitutionCreateView(ScopedCreateView):
    model = Institution
    form_class = forms.InstitutionForm
    permission_object = "institution"
    template_name = "bureaus/form.html"

    def form_valid(self, form):
        try:
            self.object = services.institution_register(
                actor=self.request.user, bureau=self.membership.bureau, **form.service_fields()
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The institution is on the registry."))
        return HttpResponseRedirect(self.object_url())

    def object_url(self):
        return reverse("institutions:institution-detail", args=[self.object.pk])


class InstitutionUpdateView(ScopedUpdateView):
    model = Institution
    form_class = forms.InstitutionForm
    permission_object = "institution"
    template_name = "bureaus/form.html"

    def form_valid(self, form):
        try:
            services.institution_update(
                actor=self.request.user, institution=self.object, **form.service_fields()
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(
            reverse("institutions:institution-detail", args=[self.object.pk])
        )


class ScopedActionView(ScopedPageMixin, SingleObjectMixin, FormView):
    """A form acting on one record of the user's own district (another's is a 404)."""

    permission_verb = "change"
    writes = True
    template_name = "institutions/action_form.html"
    title = ""
    success_message = gettext_lazy("Saved.")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def institution(self):
        return self.object if isinstance(self.object, Institution) else self.object.institution

    def get_success_url(self):
        return reverse("institutions:institution-detail", args=[self.institution().pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, institution=self.institution(), **kwargs)


class InstitutionActionView(ScopedActionView):
    model = Institution
    permission_object = "institution"


class StatusChangeView(InstitutionActionView):
    form_class = forms.StatusChangeForm
    title = gettext_lazy("Change status")
    success_message = gettext_lazy("The status has been changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "institution": self.object}

    def perform(self, form):
        services.institution_change_status(
            actor=self.request.user,
            institution=self.object,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            decided_on=form.cleaned_data["decided_on"],
        )


class ListEntryCreateView(InstitutionActionView):
    form_class = forms.ListEntryForm
    title = gettext_lazy("White list or black list")
    success_message = gettext_lazy("The list entry has been recorded.")

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in ListEntry.Kind.values else {}

    def perform(self, form):
        services.list_entry_add(
            actor=self.request.user, institution=self.object, **form.cleaned_data
        )


class CredentialCreateView(InstitutionActionView):
    form_class = forms.CredentialForm
    title = gettext_lazy("Licence")
    success_message = gettext_lazy("The licence is on file.")

    def perform(self, form):
        services.credential_record(
            actor=self.request.user, institution=self.object, **form.cleaned_data
        )


class SiteCreateView(InstitutionActionView):
    form_class = forms.SiteForm
    title = gettext_lazy("Teaching site")
    success_message = gettext_lazy("The teaching site is on file.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        services.site_add(actor=self.request.user, institution=self.object, **form.cleaned_data)


class StaffCreateView(InstitutionActionView):
    form_class = forms.StaffForm
    title = gettext_lazy("Staff member")
    success_message = gettext_lazy("The staff member is on file.")

    def perform(self, form):
        services.staff_add(actor=self.request.user, institution=self.object, **form.cleaned_data)


class AnnualReviewCreateView(InstitutionActionView):
    form_class = forms.AnnualReviewForm
    title = gettext_lazy("Annual review")
    success_message = gettext_lazy("The annual review is on file.")

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def perform(self, form):
        services.annual_review_record(
            actor=self.request.user, institution=self.object, **form.cleaned_data
        )


class StaffUpdateView(ScopedActionView):
    model = Staff
    permission_object = "institution"
    form_class = forms.StaffForm
    title = gettext_lazy("Staff member")
    success_message = gettext_lazy("Saved.")

    def get_initial(self):
        # The ID number is never put back on screen: left empty, it stays as it is.
        staff = self.object
        return {n: getattr(staff, n) for n in forms.StaffForm.base_fields if n != "id_number"}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["id_number"].help_text = _(
            "On file: %(masked)s. Leave empty to keep it; type a new one to replace it."
        ) % {"masked": self.object.masked_id_number or "—"}
        return form

    def perform(self, form):
        fields = dict(form.cleaned_data)
        if not fields["id_number"]:
            fields.pop("id_number")
        services.staff_update(actor=self.request.user, staff=self.object, **fields)


class StaffRemoveView(ScopedActionView):
    model = Staff
    permission_object = "institution"
    form_class = forms.ConfirmForm
    title = gettext_lazy("Remove the staff member")
    success_message = gettext_lazy("The staff member has been removed.")

    def perform(self, form):
        services.staff_remove(actor=self.request.user, staff=self.object)


class SiteUpdateView(ScopedActionView):
    model = Site
    permission_object = "institution"
    form_class = forms.SiteForm
    title = gettext_lazy("Teaching site")

    def get_form_kwargs(self):
        # A model form bound to a copy: the service applies the cleaned values itself.
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {name: getattr(self.object, name) for name in forms.SiteForm.Meta.fields}

    def perform(self, form):
        services.site_update(actor=self.request.user, site=self.object, **form.cleaned_data)


class SiteRemoveView(ScopedActionView):
    model = Site
    permission_object = "institution"
    form_class = forms.ConfirmForm
    title = gettext_lazy("Close the teaching site")
    success_message = gettext_lazy("The teaching site has been removed.")

    def perform(self, form):
        services.site_remove(actor=self.request.user, site=self.object)


class ListEntryListView(ScopedListView):
    """The district's white and black lists, published or not, with their history."""

    model = ListEntry
    permission_object = "institution"
    template_name = "institutions/listentry_list.html"

    def scope_queryset(self, queryset):
        queryset = queryset.select_related("institution", "bureau")
        kind = self.request.GET.get("kind")
        if kind in ListEntry.Kind.values:
            queryset = queryset.filter(kind=kind)
        if self.request.GET.get("active") == "1":
            queryset = queryset.filter(lifted_on__isnull=True)
        return queryset


class ListEntryActionView(ScopedActionView):
    model = ListEntry
    permission_object = "institution"


class ListEntryPublishView(ListEntryActionView):
    form_class = forms.ConfirmForm
    title = gettext_lazy("Publish the list entry")
    success_message = gettext_lazy("Published: the public list now shows it.")

    def perform(self, form):
        services.list_entry_publish(actor=self.request.user, entry=self.object)


class ListEntryLiftView(ListEntryActionView):
    form_class = forms.ListEntryLiftForm
    title = gettext_lazy("Lift the list entry")
    success_message = gettext_lazy("The entry has been lifted.")

    def perform(self, form):
        services.list_entry_lift(
            actor=self.request.user, entry=self.object, reason=form.cleaned_data["lift_reason"]
        )


class ImportJobListView(ScopedListView):
    """Past imports; `?download=template` gives the blank survey template."""

    model = ImportJob
    permission_object = "institution"
    template_name = "institutions/importjob_list.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "template":
            return xlsx_response(importing.template_workbook(), "institution-survey-template.xlsx")
        return super().get(request, *args, **kwargs)


class ImportJobCreateView(ScopedCreateView):
    model = ImportJob
    form_class = forms.ImportForm
    permission_object = "institution"
    template_name = "institutions/importjob_form.html"

    def form_valid(self, form):
        try:
            self.object = importing.import_job_create(
                actor=self.request.user,
                bureau=self.membership.bureau,
                upload=form.cleaned_data["file"],
            )
        except importing.FileRefused as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("institutions:importjob-detail", args=[self.object.pk]))


class ImportJobDetailView(ScopedDetailView):
    """Progress (polled by htmx while it runs), the result, and `?download=errors`."""

    model = ImportJob
    permission_object = "institution"
    template_name = "institutions/importjob_detail.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "errors":
            job = self.get_object()
            return xlsx_response(importing.error_workbook(job), f"import-{job.pk}-errors.xlsx")
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["institutions/_importjob_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(errors_preview=self.object.errors[:50], **kwargs)
