"""The demo escrow: a year of books per account that reconcile, violations, warnings in every
state, and re-running adds nothing."""

import pytest
from django.db.models import Sum

from bureaus.context import acting, system_actor
from bureaus.demo import seed_bureaus
from funds import demo
from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry
from funds.services.reconcile import ledger_reconcile
from institutions import demo as institutions_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_varied_consistent_and_idempotent():
    with acting(system_actor("seed_demo")):
        seed_bureaus()
        institutions_demo.seed()
        demo.seed()
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
