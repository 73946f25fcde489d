"""Property tests (Hypothesis): for any sequence of allowed operations the balance equals the
sum of the entries, no entry ever changes, and no state below the minimum exists without an
unresolved warning. Refused operations (below zero, a deposit below the minimum, a second
reversal…) must write nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bureaus.context import acting, system_actor
from funds.models import EscrowAccount, FundWarning, LedgerEntry
from funds.services import accounts, fees, ledger
from funds.services.warnings import minimum_for
from tests.funds.conftest import make_institution

pytestmark = pytest.mark.django_db
K = LedgerEntry.Kind
DAY = dt.date(2026, 3, 2)

amounts = st.integers(min_value=1, max_value=2_000_000)
operations = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["deposit", "refund", "release", "withdrawal", "fee"]), amounts),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30)),
    ),
    min_size=1,
    max_size=25,
)
account_settings = st.one_of(
    st.fixed_dictionaries(
        {
            "minimum_kind": st.just("fixed"),
            "minimum_fixed_fen": st.integers(0, 1_000_000),
            "yellow_threshold_fen": st.integers(0, 2_000_000),
        }
    ),
    st.fixed_dictionaries(
        {"minimum_kind": st.just("share"), "minimum_share_pct": st.integers(0, 100)}
    ),
)


def _apply(account, op, arg, n):
    if op == "fee":
        record = fees.fee_record_create(
            actor=None,
            institution=account.institution,
            student_name="王同学",
            course_name="美术",
            contract_number=f"P-{n}",
            amount_fen=min(arg, 500_000),
            collected_on=DAY,
            period_start=DAY,
            period_end=DAY + dt.timedelta(days=60),
            class_hours=30,
        )
        fees.fee_deposit(actor=None, fee_record=record, booked_on=DAY)
    elif op == "reverse":
        entries = list(LedgerEntry.objects.filter(account=account).order_by("id"))
        if not entries:
            return
        ledger.entry_post(
            actor=None,
            account=account,
            kind=K.ADJUSTMENT,
            reverses=entries[arg % len(entries)],
            booked_on=DAY,
        )
    else:
        ledger.entry_post(actor=None, account=account, kind=op, amount_fen=arg, booked_on=DAY)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, limits=account_settings)
def test_any_sequence_keeps_the_books(tree, ops, limits):
    with acting(system_actor("tests")), transaction.atomic():
        institution = make_institution(tree.a)
        account = accounts.account_open(
            actor=None,
            institution=institution,
            bank="建设银行",
            account_number="6217000011112222",
            agreed_on=DAY,
            **limits,
        )
        seen: list[tuple] = []
        for n, (op, arg) in enumerate(ops):
            before = LedgerEntry.objects.count()
            try:
                with transaction.atomic():
                    _apply(account, op, arg, n)
            except ValidationError:
                assert LedgerEntry.objects.count() == before  # a refusal writes nothing
            account.refresh_from_db()
            entries = list(
                LedgerEntry.objects.filter(account=account)
                .order_by("id")
                .values_list("id", "kind", "amount_fen", "balance_after_fen", "reverses_id")
            )
            # No entry ever changes: what was seen is still there, unchanged, in order.
            assert entries[: len(seen)] == seen
            seen = entries
            total = LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount_fen"))
            assert account.balance_fen == (total["s"] or 0)
            assert account.balance_fen >= 0
            if entries:
                assert entries[-1][3] == account.balance_fen
            if account.balance_fen < minimum_for(account):
                assert FundWarning.objects.filter(
                    account=account,
                    kind=FundWarning.Kind.BELOW_MINIMUM,
                    status__in=FundWarning.UNRESOLVED,
                ).exists()
            else:
                assert not FundWarning.objects.filter(
                    account=account,
                    kind=FundWarning.Kind.BELOW_MINIMUM,
                    status__in=FundWarning.UNRESOLVED,
                ).exists()
        assert EscrowAccount.objects.filter(pk=account.pk).exists()
        transaction.set_rollback(True)
