"""The warnings inbox, a warning and its steps (acknowledge, resolve, suspension)."""

from django.utils.translation import gettext_lazy as _

from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from core.tables import TableListMixin
from core.views import NotificationsReadMixin, RecordActionView
from funds import forms
from funds.models import FundWarning
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


class WarningDetailView(NotificationsReadMixin, ScopedDetailView):
    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_detail.html"

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
    """A step on one warning, taken by `service(actor=, warning=, **the form's fields)`."""

    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_step.html"
    success_url_name = "funds:warning-detail"
    workflow = warnings.WARNING_FLOW
    service = None

    def perform(self, form):
        self.service(actor=self.request.user, warning=self.object, **form.cleaned_data)


class WarningAcknowledgeView(_WarningStep):
    permission_verb = step = "acknowledge"
    form_class = forms.AcknowledgeForm
    title = _("Acknowledge the warning")
    service = staticmethod(warnings.warning_acknowledge)


class WarningResolveView(_WarningStep):
    permission_verb = step = "resolve"
    form_class = forms.ResolveForm
    title = _("Resolve the warning")
    service = staticmethod(warnings.warning_resolve)


class WarningProposeSuspensionView(_WarningStep):
    workflow = suspension.SUSPENSION_FLOW
    permission_verb = step = "propose"
    form_class = forms.ProposeSuspensionForm
    title = _("Propose suspending the institution")
    service = staticmethod(suspension.warning_propose_suspension)


class WarningConfirmSuspensionView(_WarningStep):
    workflow = suspension.SUSPENSION_FLOW
    permission_verb, step = "suspend", "confirm"
    form_class = forms.ResolveForm
    title = _("Confirm the suspension (停办整改)")
    service = staticmethod(suspension.warning_confirm_suspension)


class WarningDeclineSuspensionView(_WarningStep):
    workflow = suspension.SUSPENSION_FLOW
    permission_verb, step = "suspend", "decline"
    form_class = forms.AcknowledgeForm
    title = _("Decline the suspension")
    service = staticmethod(suspension.warning_decline_suspension)
