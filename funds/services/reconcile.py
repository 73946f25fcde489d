"""The nightly reconciliation: each account's kept figures against its entries — the balance
against their sum, and the paid-out figure (kept by a trigger, migration 0009) against its
releases and refunds net of their reversals. A mismatch raises a red warning for the district
and is never corrected here."""

import datetime as dt

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.models import EscrowAccount, FundWarning, LedgerEntry
from funds.panels import institutions_sync
from funds.services.ledger import paid_out_sums
from funds.services.warning_conditions import yuan
from funds.services.warnings import warning_raise


def ledger_reconcile(*, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    totals = dict(
        LedgerEntry.objects.values("account_id")
        .annotate(total=Sum("amount_fen"))
        .order_by()
        .values_list("account_id", "total")
    )
    paid_out = paid_out_sums()
    accounts = EscrowAccount.objects.defer("account_number").order_by("id")
    checked, mismatched, raised = 0, [], 0
    for account in accounts.iterator(chunk_size=2000):
        checked += 1
        total, paid = totals.get(account.pk, 0), paid_out.get(account.pk, 0)
        if (account.balance_fen, account.paid_out_fen) == (total, paid):
            continue
        mismatched.append(account)
        if account.balance_fen != total:
            detail = _("On %(day)s the balance was %(balance)s yuan, the entries sum to %(sum)s.")
            figures = {"balance": yuan(account.balance_fen), "sum": yuan(total)}
        else:
            detail = _(
                "On %(day)s the paid-out figure was %(kept)s yuan, the releases and refunds "
                "sum to %(sum)s."
            )
            figures = {"kept": yuan(account.paid_out_fen), "sum": yuan(paid)}
        raised += bool(
            warning_raise(
                account,
                key="mismatch",
                kind=FundWarning.Kind.MISMATCH,
                level=FundWarning.Level.RED,
                detail=detail % {"day": today, **figures},
                once=False,
            )
        )
    institutions_sync({account.institution_id for account in mismatched})
    return {"checked": checked, "mismatched": len(mismatched), "raised": raised}
