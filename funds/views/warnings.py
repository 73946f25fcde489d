"""The warnings inbox, a warning and its steps (acknowledge, resolve, suspension)."""

from django.utils.translation import gettext_lazy as _

from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from core import notifications
from core.tables import TableListMixin
from core.views import RecordActionView
from funds import forms
from funds.models import (
    FundWarning,
)
from funds.services import suspension, warnings
from funds.tables import WarningTable


class WarningListView(TableListMixin, ScopedListView):
    """The district's warning inbox (the unresolved ones unless asked otherwise), newest
    first; superiors read their districts'. Sortable columns, page size, column choice, saved
    filters, a district filter for superiors (core.tables)."""

    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_list.html"
    paginate_by = 50
    table_class = WarningTable
    list_key = "fund-warnings"
    extra_params = ("status", "level", "all")

    def scope_queryset(self, queryset):
        status = self.request.GET.get("status", "")
        if status in FundWarning.Status.values:
            queryset = queryset.filter(status=status)
        elif not self.request.GET.get("all"):
            queryset = queryset.filter(status__in=FundWarning.UNRESOLVED)
        level = self.request.GET.get("level", "")
        if level in FundWarning.Level.values:
            queryset = queryset.filter(level=level)
        return self.table_order(queryset.select_related("account__institution", "bureau"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status_choices=FundWarning.Status.choices,
            level_choices=FundWarning.Level.choices,
            **kwargs,
        )


class WarningDetailView(ScopedDetailView):
    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        notifications.notifications_mark_read(user=request.user, link=request.path)
        return response

    def scope_queryset(self, queryset):
        return queryset.select_related("account__institution", "bureau")

    def get_context_data(self, **kwargs):
        membership = self.membership
        return super().get_context_data(
            allowed=warnings.WARNING_FLOW.available(self.object, membership=membership),
            suspension_steps=suspension.SUSPENSION_FLOW.available(
                self.object, membership=membership
            ),
            may_change=membership_may(membership, "fundwarning.acknowledge"),
            **kwargs,
        )


class _WarningStep(RecordActionView):
    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_step.html"
    success_url_name = "funds:warning-detail"

    def allowed_steps(self, record, membership):
        return warnings.WARNING_FLOW.available(record, membership=membership)


class WarningAcknowledgeView(_WarningStep):
    permission_verb = "acknowledge"
    step = "acknowledge"
    form_class = forms.AcknowledgeForm
    title = _("Acknowledge the warning")

    def perform(self, form):
        warnings.warning_acknowledge(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )


class WarningResolveView(_WarningStep):
    permission_verb = "resolve"
    step = "resolve"
    form_class = forms.ResolveForm
    title = _("Resolve the warning")

    def perform(self, form):
        warnings.warning_resolve(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )


class _SuspensionStep(_WarningStep):
    def allowed_steps(self, record, membership):
        return suspension.SUSPENSION_FLOW.available(record, membership=membership)


class WarningProposeSuspensionView(_SuspensionStep):
    permission_verb = "propose"
    step = "propose"
    form_class = forms.ProposeSuspensionForm
    title = _("Propose suspending the institution")

    def perform(self, form):
        suspension.warning_propose_suspension(
            actor=self.request.user, warning=self.object, reason=form.cleaned_data["reason"]
        )


class WarningConfirmSuspensionView(_SuspensionStep):
    permission_verb = "suspend"
    step = "confirm"
    form_class = forms.ResolveForm
    title = _("Confirm the suspension (停办整改)")

    def perform(self, form):
        suspension.warning_confirm_suspension(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )


class WarningDeclineSuspensionView(_SuspensionStep):
    permission_verb = "suspend"
    step = "decline"
    form_class = forms.AcknowledgeForm
    title = _("Decline the suspension")

    def perform(self, form):
        suspension.warning_decline_suspension(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )
