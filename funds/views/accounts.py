"""Accounts: the list with coverage figures, an account with its ledger (keyset pages,
running balance, filters), the ledger's Excel export."""

from django.utils.translation import gettext as gettext_now

from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from bureaus.templatetags.ui import yuan
from core import spreadsheets as sheets
from core.tables import TableListMixin
from funds import forms, selectors
from funds.models import (
    EscrowAccount,
    LedgerEntry,
)
from funds.services import warnings
from funds.tables import AccountTable


class AccountListView(TableListMixin, ScopedListView):
    """Escrow accounts of the user's subtree, with coverage per district. Sortable columns,
    page size, column choice, saved filters, a district filter for superiors (core.tables)."""

    model = EscrowAccount
    permission_object = "escrowaccount"
    template_name = "funds/account_list.html"
    paginate_by = 50
    table_class = AccountTable
    list_key = "escrow-accounts"

    def scope_queryset(self, queryset):
        self.scoped = queryset
        return self.table_order(
            queryset.select_related("institution", "bureau").order_by("bureau__code", "id")
        )

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
        before = self.request.GET.get("before", "")
        entries, older = selectors.ledger_page(
            account=account,
            kind=filters.get("kind", ""),
            since=filters.get("since"),
            until=filters.get("until"),
            before=int(before) if before.isdigit() else None,
        )
        query = self.request.GET.copy()
        query.pop("before", None)
        newest = query.urlencode()
        if older:
            query["before"] = older
        minimum_fen, yellow_fen = warnings.thresholds_of(account)
        # The rows' cells made here, each type's label translated once (the template's
        # per-cell lookups and choice displays were most of the page's time).
        kinds = {value: str(label) for value, label in LedgerEntry.Kind.choices}
        rows = [
            (e, kinds.get(e.kind, e.kind), yuan(e.amount_fen), yuan(e.balance_after_fen))
            for e in entries
        ]
        return super().get_context_data(
            filter_form=form,
            entries=entries,
            rows=rows,
            older_query=query.urlencode() if older else None,
            newest_query=newest if before else None,
            warnings=selectors.unresolved_warnings(account.warnings.all()),
            minimum_fen=minimum_fen,
            yellow_fen=yellow_fen,
            may_change=membership_may(self.membership, "escrowaccount.change")
            and account.bureau_id == self.membership.bureau_id,
            **kwargs,
        )


class LedgerExportView(ScopedDetailView):
    """An account's ledger as .xlsx, with running balance (the account number masked)."""

    model = EscrowAccount
    permission_object = "escrowaccount"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution")

    def get(self, request, *args, **kwargs):
        account = self.get_object()
        kinds = dict(LedgerEntry.Kind.choices)
        header = [
            gettext_now("Booked on"),
            gettext_now("Type"),
            gettext_now("Amount (yuan)"),
            gettext_now("Balance after (yuan)"),
            gettext_now("Bank reference"),
            gettext_now("Note"),
        ]
        rows = (
            [
                e.booked_on.isoformat(),
                str(kinds[e.kind]),
                e.amount_fen / 100,
                e.balance_after_fen / 100,
                e.bank_reference,
                e.note,
            ]
            for e in selectors.ledger_entries(account=account).iterator()
        )
        title = f"{account.institution.name} {account.masked_account_number}"[:31]
        content = sheets.write_only_workbook(title.replace("*", "x"), header, rows)
        return sheets.xlsx_response(content, f"ledger-{account.pk}.xlsx")
