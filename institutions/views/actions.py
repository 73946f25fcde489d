"""Pages that act on one institution (its status, lists, licences, sites, staff, annual
review) or on one of its records (a staff member, a site)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.views import RecordActionView
from institutions import forms
from institutions.models import Institution, ListEntry, Site, Staff
from institutions.services.credentials import credential_record
from institutions.services.lifecycle import institution_change_status
from institutions.services.lists import list_entry_add
from institutions.services.reviews import annual_review_record
from institutions.services.sites import site_add, site_remove, site_update
from institutions.services.staff import staff_add, staff_remove, staff_update


class ScopedActionView(RecordActionView):
    """A form acting on an institution, or on one of its records, of the user's own district
    (another's is a 404); back to the institution's page when done."""

    template_name = "institutions/action_form.html"

    def institution(self):
        return self.object if isinstance(self.object, Institution) else self.object.institution

    def get_success_url(self):
        return reverse("institutions:institution-detail", args=[self.institution().pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(institution=self.institution(), **kwargs)


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
        institution_change_status(
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
    service = staticmethod(list_entry_add)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in ListEntry.Kind.values else {}


class CredentialCreateView(InstitutionActionView):
    form_class = forms.CredentialForm
    title = gettext_lazy("Licence")
    success_message = gettext_lazy("The licence is on file.")
    service = staticmethod(credential_record)


class SiteCreateView(InstitutionActionView):
    form_class = forms.SiteForm
    title = gettext_lazy("Teaching site")
    success_message = gettext_lazy("The teaching site is on file.")
    service = staticmethod(site_add)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class StaffCreateView(InstitutionActionView):
    form_class = forms.StaffForm
    title = gettext_lazy("Staff member")
    success_message = gettext_lazy("The staff member is on file.")
    service = staticmethod(staff_add)


class AnnualReviewCreateView(InstitutionActionView):
    form_class = forms.AnnualReviewForm
    title = gettext_lazy("Annual review")
    success_message = gettext_lazy("The annual review is on file.")
    service = staticmethod(annual_review_record)

    def get_initial(self):
        return {"year": timezone.localdate().year}


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
        staff_update(actor=self.request.user, staff=self.object, **fields)


class StaffRemoveView(ScopedActionView):
    model = Staff
    permission_object = "institution"
    form_class = forms.ConfirmForm
    title = gettext_lazy("Remove the staff member")
    success_message = gettext_lazy("The staff member has been removed.")
    service = staticmethod(staff_remove)


class SiteUpdateView(ScopedActionView):
    model = Site
    permission_object = "institution"
    form_class = forms.SiteForm
    title = gettext_lazy("Teaching site")
    service = staticmethod(site_update)

    def get_form_kwargs(self):
        # A model form bound to a copy: the service applies the cleaned values itself.
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {name: getattr(self.object, name) for name in forms.SiteForm.Meta.fields}


class SiteRemoveView(ScopedActionView):
    model = Site
    permission_object = "institution"
    form_class = forms.ConfirmForm
    title = gettext_lazy("Close the teaching site")
    success_message = gettext_lazy("The teaching site has been removed.")
    service = staticmethod(site_remove)
