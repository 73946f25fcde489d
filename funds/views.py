"""Staff pages: accounts with coverage figures, an account's ledger (running balance, filters),
fee records and violations, the warnings inbox and a warning's steps. Account numbers and
students are shown masked, to the district and to its superiors alike."""

from django.utils.translation import gettext_lazy as _

from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from core import notifications
from core.views import RecordActionView
from funds import forms, selectors
from funds.models import EscrowAccount, FeeRecord, FundWarning
from funds.services import warnings


class AccountListView(ScopedListView):
    """Escrow accounts of the user's subtree, with coverage per district."""

    model = EscrowAccount
    permission_object = "escrowaccount"
    template_name = "funds/account_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        self.scoped = queryset
        return queryset.select_related("institution", "bureau").order_by("bureau__code", "id")

    def get_context_data(self, **kwargs):
        rows = selectors.coverage(bureau_ids=self.membership.bureau.subtree_ids())
        return super().get_context_data(
            coverage=rows, coverage_total=selectors.coverage_total(rows), **kwargs
        )


class AccountDetailView(ScopedDetailView):
    """One account: its settings, unresolved warnings and ledger with running balance."""

    model = EscrowAccount
    permission_object = "escrowaccount"
    template_name = "funds/account_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "bureau")

    def get_context_data(self, **kwargs):
        account = self.object
        form = forms.LedgerFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        entries = selectors.ledger_entries(
            account=account,
            kind=filters.get("kind", ""),
            since=filters.get("since"),
            until=filters.get("until"),
        )
        return super().get_context_data(
            filter_form=form,
            entries=entries[:500],
            warnings=selectors.unresolved_warnings(account.warnings.all()),
            minimum_fen=warnings.minimum_for(account),
            **kwargs,
        )


class FeeRecordListView(ScopedListView):
    """Fee records (students masked), violations of the fee cap listed per institution."""

    model = FeeRecord
    permission_object = "feerecord"
    template_name = "funds/feerecord_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        self.scoped = queryset
        if self.request.GET.get("violations"):
            queryset = queryset.filter(violates_cap=True)
        return queryset.select_related("institution", "bureau")

    def get_context_data(self, **kwargs):
        return super().get_context_data(violations=selectors.violations(self.scoped), **kwargs)


class FeeRecordDetailView(ScopedDetailView):
    model = FeeRecord
    permission_object = "feerecord"
    template_name = "funds/feerecord_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        notifications.notifications_mark_read(user=request.user, link=request.path)
        return response

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


class WarningListView(ScopedListView):
    """The district's warning inbox (unresolved first); superiors read their districts'."""

    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        status = self.request.GET.get("status", "")
        if status in FundWarning.Status.values:
            queryset = queryset.filter(status=status)
        elif not self.request.GET.get("all"):
            queryset = queryset.filter(status__in=FundWarning.UNRESOLVED)
        return queryset.select_related("account__institution", "bureau")


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
