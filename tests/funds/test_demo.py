"""The demo escrow: a year of books per account that reconcile, violations, warnings in every
state, and re-running adds nothing."""

import pytest
from django.db.models import Sum

from funds import demo
from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry
from funds.services.reconcile import ledger_reconcile
from institutions import demo as institutions_demo
from tests.demos import demo_seeded

pytestmark = pytest.mark.django_db


def test_demo_seed_is_varied_consistent_and_idempotent():
    with demo_seeded(institutions_demo, demo):
        counts = (EscrowAccount.objects.count(), LedgerEntry.objects.count())
        demo.seed()
        assert (EscrowAccount.objects.count(), LedgerEntry.objects.count()) == counts
        assert ledger_reconcile()["mismatched"] == 0
    assert counts[0] == 3 * demo.ACCOUNTS_PER_DISTRICT
    assert counts[1] > 300
    assert set(FundWarning.objects.values_list("status", flat=True)) == {
        "open",
        "acknowledged",
        "resolved",
    }
    kinds = set(FundWarning.objects.values_list("kind", flat=True))
    assert {"undeposited", "large_outflow", "below_minimum"} <= kinds
    assert FeeRecord.objects.filter(violates_cap=True).count() == 3 * 2
    for account in EscrowAccount.objects.all():
        total = account.entries.aggregate(s=Sum("amount_fen"))["s"]
        assert account.balance_fen == total >= 0
