"""The ledger: balances move with entries under the account's lock, entries are append-only in
the database, reversals instead of edits, holds, and the nightly reconciliation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum

from bureaus import rls
from bureaus.context import acting, system_actor
from funds.models import EscrowAccount, FundWarning, LedgerEntry
from funds.services import fees, ledger
from funds.tasks import funds_reconcile
from institutions.models import Institution
from tests.funds.conftest import ACCOUNT_NUMBER, act, open_account

pytestmark = pytest.mark.django_db
K = LedgerEntry.Kind
DAY = dt.date(2026, 3, 2)


def fee(officer, institution, *, amount=300_000, contract="HT-1", **extra):
    fields = {
        "actor": officer,
        "institution": institution,
        "student_name": "李小明",
        "course_name": "初中数学",
        "contract_number": contract,
        "amount_fen": amount,
        "collected_on": DAY,
        "period_start": DAY,
        "period_end": DAY + dt.timedelta(days=80),
        "class_hours": 40,
        **extra,
    }
    return fees.fee_record_create(**fields)


def test_entries_move_the_balance_and_carry_the_running_balance(account_a, officer_a):
    ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=500_000, booked_on=DAY
    )
    record = fee(officer_a, account_a.institution)
    fees.fee_deposit(actor=officer_a, fee_record=record, booked_on=DAY)
    out = ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.REFUND, amount_fen=20_000, booked_on=DAY
    )
    account_a.refresh_from_db()
    assert account_a.balance_fen == 780_000
    assert out.amount_fen == -20_000 and out.balance_after_fen == 780_000
    assert [e.balance_after_fen for e in account_a.entries.order_by("id")] == [
        500_000,
        800_000,
        780_000,
    ]
    assert ledger.unconsumed_fen(account_a.institution_id) == 280_000


def test_database_refuses_update_and_delete_of_entries(account_a, officer_a):
    entry = ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=1000, booked_on=DAY
    )
    for sql in (
        "UPDATE funds_ledgerentry SET amount_fen = 1 WHERE id = %s",
        "DELETE FROM funds_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.amount_fen == 1000


def test_a_mistake_is_reversed_once_never_edited(account_a, officer_a):
    entry = ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=400_000, booked_on=DAY
    )
    reversal = ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.ADJUSTMENT, reverses=entry, booked_on=DAY
    )
    assert reversal.amount_fen == -400_000 and reversal.balance_after_fen == 0
    with pytest.raises(ValidationError) as exc:
        ledger.entry_post(actor=officer_a, account=account_a, kind=K.ADJUSTMENT, reverses=entry)
    assert "reverses" in exc.value.message_dict
    assert LedgerEntry.objects.filter(account=account_a).count() == 2


def test_database_binds_an_entry_to_its_accounts_bureau_and_reverses_once(
    tree, account_a, officer_a
):
    """Migration 0011's keys, written straight in SQL past the services: an entry's bureau
    must be its account's (one composite foreign key, checked at commit; forced here), an
    unknown account is refused the same way, and an entry is reversed at most once."""
    entry = ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=1000, booked_on=DAY
    )
    insert = (
        "INSERT INTO funds_ledgerentry (bureau_id, account_id, kind, amount_fen, "
        "balance_after_fen, booked_on, bank_reference, note, created_at, reverses_id) "
        "VALUES (%s, %s, %s, %s, 0, %s, '', '', now(), %s)"
    )
    refused = [
        ([tree.b.pk, account_a.pk, "deposit", 5, DAY, None], "ledger_account_bureau_fk"),
        ([tree.a.pk, 10**9, "deposit", 5, DAY, None], "ledger_account_bureau_fk"),
        ([tree.a.pk, account_a.pk, "adjustment", -1000, DAY, entry.pk], None),
    ]
    with rls.platform_access("tests: keys of the ledger"):
        for values, constraint in refused:
            with (
                pytest.raises(IntegrityError, match=constraint or "ledger_reverses_once"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(insert, values)
                if constraint is None:  # the first reversal passes, the second is refused
                    cursor.execute(insert, values)
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert list(LedgerEntry.objects.filter(account=account_a).values_list("pk", flat=True)) == [
        entry.pk
    ]


@pytest.mark.parametrize("amount", [0, -5, "100", 1.5, None])
def test_bad_amounts_are_field_errors_and_write_nothing(account_a, officer_a, amount):
    with pytest.raises(ValidationError) as exc:
        ledger.entry_post(actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=amount)
    assert "amount_fen" in exc.value.message_dict
    assert not LedgerEntry.objects.exists()


def test_balance_never_goes_below_zero_nor_a_deposit_below_the_minimum(account_a, officer_a):
    ledger.entry_post(actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=150_000)
    with pytest.raises(ValidationError, match="不得低于最低存款余额"):
        ledger.entry_post(actor=officer_a, account=account_a, kind=K.WITHDRAWAL, amount_fen=60_000)
    with pytest.raises(ValidationError, match="余额不能为负"):
        ledger.entry_post(actor=officer_a, account=account_a, kind=K.REFUND, amount_fen=150_001)
    ledger.entry_post(actor=officer_a, account=account_a, kind=K.WITHDRAWAL, amount_fen=50_000)
    account_a.refresh_from_db()
    assert account_a.balance_fen == 100_000


def test_other_district_and_readers_cannot_post(tree, account_a):
    for user in (tree.user("b", "officer"), tree.user("a", "auditor")):
        with pytest.raises(PermissionDenied):
            ledger.entry_post(actor=act(user), account=account_a, kind=K.DEPOSIT, amount_fen=100)
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("status", ["suspended", "banned"])
def test_held_institution_takes_no_new_fees_but_refunds_and_releases_go_on(
    account_a, officer_a, status
):
    record = fee(officer_a, account_a.institution)
    fees.fee_deposit(actor=officer_a, fee_record=record, booked_on=DAY)
    second = fee(officer_a, account_a.institution, contract="HT-2")
    with acting(system_actor("tests")):
        Institution.objects.filter(pk=account_a.institution_id).update(status=status)
    with pytest.raises(ValidationError, match="不得新收费用入专户"):
        fees.fee_deposit(actor=officer_a, fee_record=second, booked_on=DAY)
    ledger.entry_post(actor=officer_a, account=account_a, kind=K.REFUND, amount_fen=100_000)
    ledger.entry_post(actor=officer_a, account=account_a, kind=K.RELEASE, amount_fen=50_000)
    account_a.refresh_from_db()
    assert account_a.balance_fen == 150_000
    assert not LedgerEntry.objects.filter(fee_record=second).exists()


def test_account_number_is_encrypted_at_rest_and_masked(account_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_number FROM funds_escrowaccount WHERE id = %s", [account_a.pk]
        )
        stored = cursor.fetchone()[0]
    assert ACCOUNT_NUMBER not in stored
    assert account_a.masked_account_number == "6222***********3445"
    assert ACCOUNT_NUMBER not in str(account_a)


def test_reconciliation_raises_an_alert_and_fixes_nothing(tree, account_a, officer_a):
    ledger.entry_post(actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=500_000)
    assert funds_reconcile.apply().get()["mismatched"] == 0
    # Someone changes the balance behind the ledger's back.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE funds_escrowaccount SET balance_fen = 900000 WHERE id = %s", [account_a.pk]
        )
    result = funds_reconcile.apply(args=["2026-03-03"]).get()
    assert result == {"checked": 1, "mismatched": 1, "raised": 1}
    assert funds_reconcile.apply(args=["2026-03-04"]).get()["raised"] == 0  # idempotent
    account_a.refresh_from_db()
    assert account_a.balance_fen == 900_000  # never silently fixed
    warning = FundWarning.objects.get(kind=FundWarning.Kind.MISMATCH)
    assert warning.status == "open" and warning.level == "red"
    total = LedgerEntry.objects.filter(account=account_a).aggregate(s=Sum("amount_fen"))["s"]
    assert total == 500_000
    assert EscrowAccount.objects.count() == 1


def test_one_open_account_per_institution(account_a):
    with pytest.raises(ValidationError):
        open_account(account_a.institution)
