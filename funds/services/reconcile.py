"""The nightly reconciliation: each account's balance against the sum of its entries. A
mismatch raises a red warning for the district and is never corrected here."""

import datetime as dt

from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.models import EscrowAccount, FundWarning
from funds.panels import institutions_sync
from funds.services.warnings import warning_raise, yuan


def ledger_reconcile(*, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    accounts = EscrowAccount.objects.annotate(total=Coalesce(Sum("entries__amount_fen"), Value(0)))
    checked = accounts.count()
    mismatched = accounts.exclude(balance_fen=F("total"))
    raised = 0
    for account in mismatched:
        raised += bool(
            warning_raise(
                account,
                key="mismatch",
                kind=FundWarning.Kind.MISMATCH,
                level=FundWarning.Level.RED,
                detail=_("On %(day)s the balance was %(balance)s yuan, the entries sum to %(sum)s.")
                % {"day": today, "balance": yuan(account.balance_fen), "sum": yuan(account.total)},
                once=False,
            )
        )
    institutions_sync({account.institution_id for account in mismatched})
    return {"checked": checked, "mismatched": len(mismatched), "raised": raised}
