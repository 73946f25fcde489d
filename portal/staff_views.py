"""Staff pages of the portal: a district officer invites an institution's contact."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from bureaus.pages import ScopedDetailView, ScopedListView, ScopedPageMixin
from core.errors import form_add_errors
from core.views import RecordActionView
from portal import services
from portal.forms import InvitationForm
from portal.models import PortalInvitation


class InvitationListView(ScopedListView):
    model = PortalInvitation
    permission_object = "portalinvitation"
    title = gettext_lazy("Portal invitations")
    template_name = "portal/staff/invitation_list.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "created_by")


class InvitationDetailView(ScopedDetailView):
    model = PortalInvitation
    permission_object = "portalinvitation"
    title = gettext_lazy("Portal invitation")
    template_name = "portal/staff/invitation_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "created_by")


class InvitationCreateView(ScopedPageMixin, FormView):
    """The link is shown once, on the page that answers the invitation; only its hash is
    kept."""

    model = PortalInvitation
    permission_object = "portalinvitation"
    permission_verb = "change"
    writes = True
    form_class = InvitationForm
    title = gettext_lazy("Invite an institution")
    template_name = "portal/staff/invitation_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            invitation, token = services.invitation_create(
                actor=self.request.user,
                institution=form.cleaned_data["institution"],
                contact_name=form.cleaned_data["contact_name"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.form_invalid(form)
        link = self.request.build_absolute_uri(
            reverse("portal_public:invitation-accept", kwargs={"token": token})
        )
        return render(
            self.request,
            "portal/staff/invitation_created.html",
            {"invitation": invitation, "link": link},
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InvitationRevokeView(RecordActionView):
    """Withdraw an invitation whose link has not been used."""

    model = PortalInvitation
    permission_object = "portalinvitation"
    form_class = forms.Form
    template_name = "portal/staff/invitation_revoke.html"
    title = gettext_lazy("Withdraw the invitation")
    success_url_name = "portal_staff:invitation-detail"
    success_message = gettext_lazy("The invitation has been withdrawn; its link opens nothing.")

    def perform(self, form):
        services.invitation_revoke(actor=self.request.user, invitation=self.object)
