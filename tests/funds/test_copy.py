"""`bulk_copy` (PostgreSQL COPY, bureaus.copying) writes what the audited bulk_create writes:
the same rows, ids in the order given, auto_now_add set, encrypted fields encrypted, the same
audit rows (content, order of ids); under a district's row-level security it goes through the
policies (a row of another district is refused, nothing written), and the ledger's constraints
and append-only trigger still apply."""

import datetime as dt

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, transaction

from bureaus import rls
from bureaus.context import acting, system_actor
from bureaus.crypto import blind_index
from bureaus.models import AuditEvent
from funds.models import EscrowAccount, LedgerEntry
from tests.funds.conftest import make_institution, open_account

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
COMPARED = ("bureau_id", "actor_id", "actor_repr", "action", "model", "object_repr", "request_id")


def _entries(account, prefix, n=5):
    return [
        LedgerEntry(
            account=account,
            kind="deposit",
            amount_fen=100 * (i + 1),
            balance_after_fen=100 * (i + 1) * (i + 2) // 2,
            booked_on=DAY,
            bank_reference=f"{prefix}{i}",
            note=f"第{i}笔",
        )
        for i in range(n)
    ]


def _events(rows):
    return {
        e.object_id: e
        for e in AuditEvent.objects.filter(
            model=rows[0]._meta.label_lower, object_id__in=[str(r.pk) for r in rows]
        )
    }


def test_bulk_copy_writes_the_rows_and_audit_rows_bulk_create_writes(account_a):
    with acting(system_actor("tests")):
        created = LedgerEntry.objects.bulk_create(_entries(account_a, "C"))
        copied = LedgerEntry.objects.bulk_copy(_entries(account_a, "P"))
    ids = [e.pk for e in copied]
    assert ids == sorted(ids) and min(ids) > max(e.pk for e in created)
    by_create, by_copy = _events(created), _events(copied)
    assert len(by_copy) == len(copied)
    assert [by_copy[str(i)].pk for i in ids] == sorted(e.pk for e in by_copy.values())
    fields = [f.attname for f in LedgerEntry._meta.concrete_fields]
    for made, written in zip(created, copied, strict=True):
        stored = LedgerEntry.objects.filter(pk=written.pk).values(*fields).get()
        assert stored == {f: getattr(written, f) for f in fields}
        assert stored["created_at"] is not None and stored["bureau_id"] == account_a.bureau_id
        one, other = by_create[str(made.pk)], by_copy[str(written.pk)]
        assert [getattr(one, f) for f in COMPARED] == [getattr(other, f) for f in COMPARED]
        assert (other.ip, other.at is not None) == (one.ip, True)
        expected = dict(one.changes, bank_reference=written.bank_reference)
        expected["created_at"] = DjangoJSONEncoder().default(written.created_at)
        assert other.changes == expected


def test_bulk_copy_goes_through_the_districts_policies(tree, account_a):
    account_b = open_account(make_institution(tree.b, name="乙区机构"))
    officer = tree.user("a", "officer")
    with rls.use(rls.for_membership(officer, officer.memberships.get())):
        with connection.cursor() as cursor:
            cursor.execute("SELECT row_security_active('funds_ledgerentry')")
            assert cursor.fetchone()[0]  # the staged path: COPY FROM itself would be refused
        before = LedgerEntry.objects.count(), AuditEvent.objects.count()
        with acting(system_actor("tests")):
            with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
                LedgerEntry.objects.bulk_copy(_entries(account_a, "A") + _entries(account_b, "B"))
            assert (LedgerEntry.objects.count(), AuditEvent.objects.count()) == before
            copied = LedgerEntry.objects.bulk_copy(_entries(account_a, "A"))
    assert LedgerEntry.objects.filter(account=account_a).count() == before[0] + 5
    assert len(_events(copied)) == 5


def test_the_ledgers_constraints_and_trigger_hold_for_copied_rows(account_a):
    with acting(system_actor("tests")):
        bad = _entries(account_a, "F", n=1)
        bad[0].kind = "fee"  # a fee names its fee record
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerEntry.objects.bulk_copy(bad)
        (entry,) = LedgerEntry.objects.bulk_copy(_entries(account_a, "T", n=1))
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).dangerously_unaudited().update(note="改")
    assert not LedgerEntry.objects.filter(bank_reference="F0").exists()


def test_an_encrypted_field_is_encrypted_and_redacted_in_the_audit_row(tree):
    number = "6222020200199887766"
    with acting(system_actor("tests")):
        (account,) = EscrowAccount.objects.bulk_copy(
            [
                EscrowAccount(
                    institution=make_institution(tree.a, name="加密机构"),
                    bank="中国银行",
                    account_number=number,
                    account_number_index=blind_index(number),
                    agreed_on=DAY,
                )
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM funds_escrowaccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert number not in str(stored)
    assert EscrowAccount.objects.get(pk=account.pk).account_number == number
    (event,) = _events([account]).values()
    assert event.changes["account_number"] == "***" and number not in str(event.changes)
    assert event.changes["bureau_id"] == tree.a.pk
