"""The set-based paths: a statement file over several accounts is booked with one bulk insert
(running balances per account, the ledger's rules checked line by line, one audit event for
the entries), and the warnings of every account are computed by a few grouped queries whatever the
number of accounts, idempotently (a second run raises, resolves and notifies nothing)."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from bureaus import rls
from bureaus.context import acting, system_actor
from bureaus.models import AuditEvent
from core.models import Notification
from funds.models import EscrowAccount, FundWarning, LedgerEntry
from funds.services import fees, ledger, periodic, statements, warnings
from funds.services.statement_booking import trail_matches
from tests.funds.conftest import make_institution

pytestmark = pytest.mark.django_db
HEADER = ["账号", "交易日期", "交易流水号", "交易类型", "金额", "合同编号", "摘要"]
DAY = dt.date(2026, 3, 2)


def _csv(rows):
    lines = [",".join(HEADER)] + [",".join(str(c) for c in row) for row in rows]
    return SimpleUploadedFile("s.csv", ("\n".join(lines) + "\n").encode(), "text/csv")


def _accounts(tree, n, **settings):
    from funds.services import accounts

    made = []
    with acting(system_actor("tests")):
        for i in range(n):
            made.append(
                accounts.account_open(
                    actor=None,
                    institution=make_institution(tree.a, name=f"机构{i}"),
                    bank="中国银行",
                    account_number=f"62170000{i:08d}",
                    agreed_on=dt.date(2026, 1, 5),
                    **settings,
                )
            )
    return made


def test_a_file_over_several_accounts_books_running_balances_with_audit_rows(tree, officer_a):
    accounts = _accounts(tree, 3)
    rows = []
    for n in range(30):
        account = accounts[n % 3]
        kind, amount = ("存入保证金", "100.00") if n < 27 else ("支取保证金", "50")
        rows.append([account.account_number, "2026-03-02", f"R{n:03d}", kind, amount, "", ""])
    audit_before = list(AuditEvent.objects.values_list("pk", flat=True))
    done = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    assert (done.state, done.inserted, done.duplicates) == ("done", 30, 0), done.errors
    for account in accounts:
        account.refresh_from_db()
        entries = LedgerEntry.objects.filter(account=account).order_by("id")
        assert account.balance_fen == entries.aggregate(s=Sum("amount_fen"))["s"] == 85_000
        running = 0
        for entry in entries:
            running += entry.amount_fen
            assert entry.balance_after_fen == running
    # The entries' trail is one event (bureaus.audit.RowsTrail): who, the import, its file and
    # accounts, the id range, the count and the digest of the entries, which the ledger matches.
    (event,) = AuditEvent.objects.filter(model="funds.ledgerentry").exclude(pk__in=audit_before)
    ids = list(LedgerEntry.objects.order_by("id").values_list("id", flat=True))
    # …written as the import's own event, in the same transaction (who, from which request).
    own = AuditEvent.objects.get(model="funds.statementimport", object_id=str(done.pk))
    who = ("bureau_id", "actor_id", "actor_repr", "request_id", "ip")
    assert [getattr(event, f) for f in who] == [getattr(own, f) for f in who]
    assert (event.bureau_id, event.action) == (tree.a.pk, "create")
    changes = event.changes
    assert event.object_id == f"{changes['after_id'] + 1}-{ids[-1]}"
    assert (changes["statement_import"], changes["file"]) == (done.pk, "s.csv")
    assert changes["accounts"] == sorted(a.pk for a in accounts)
    assert changes["after_id"] < ids[0] and (changes["last_id"], changes["count"]) == (ids[-1], 30)
    assert trail_matches(event)
    # A wrong count, digest or scope, and the check fails (it can).
    assert not trail_matches(AuditEvent(changes=dict(changes, count=29)))
    assert not trail_matches(AuditEvent(changes=dict(changes, sha256="0" * 64)))
    assert not trail_matches(AuditEvent(changes=dict(changes, accounts=changes["accounts"][:2])))
    # …nor does a range that leaves an entry out.
    assert not trail_matches(AuditEvent(changes=dict(changes, last_id=ids[-2])))
    # The balances: one audited UPDATE for the file's accounts, an audit row each.
    balances = AuditEvent.objects.filter(
        model="funds.escrowaccount", action="update", changes__has_key="balance_fen"
    ).exclude(pk__in=audit_before)
    assert sorted((e.object_id, e.changes, e.actor_repr) for e in balances) == sorted(
        (str(a.pk), {"balance_fen": [0, 85_000]}, own.actor_repr) for a in accounts
    )


def test_an_import_under_the_districts_policies_keeps_the_files_order(tree, officer_a):
    accounts = _accounts(tree, 2)
    rows = [
        [accounts[n % 2].account_number, "2026-03-02", f"P{n:02d}", "存入保证金", n + 1, "", ""]
        for n in range(20)
    ]
    officer = tree.user("a", "officer")
    with rls.use(rls.for_membership(officer, officer.memberships.get())):
        with connection.cursor() as cursor:
            cursor.execute("SELECT row_security_active('funds_ledgerentry')")
            assert cursor.fetchone()[0]  # the staged path (bureaus.copying)
        done = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
        assert (done.state, done.inserted) == ("done", 20), done.errors
        # The sequence numbers the entries in the file's order, through the staging table.
        references = LedgerEntry.objects.order_by("id").values_list("bank_reference", flat=True)
        assert list(references) == [f"P{n:02d}" for n in range(20)]
        assert trail_matches(AuditEvent.objects.get(model="funds.ledgerentry"))


def test_the_trail_of_notes_that_copy_escapes(tree, officer_a):
    (account,) = _accounts(tree, 1)
    notes = ["制表\t符", "反斜杠\\N", "换\n行", "全角　空格", "\\"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n, note in enumerate(notes):
        writer.writerow(
            [account.account_number, "2026-03-02", f"E{n}", "存入保证金", "1", "", note]
        )
    upload = SimpleUploadedFile("e.csv", out.getvalue().encode(), "text/csv")
    done = statements.statement_import(actor=officer_a, bureau=tree.a, upload=upload)
    assert (done.state, done.inserted) == ("done", len(notes)), done.errors
    stored = list(LedgerEntry.objects.order_by("id").values_list("note", flat=True))
    assert stored == [note.strip() for note in notes]
    event = AuditEvent.objects.get(model="funds.ledgerentry")
    assert event.changes["count"] == len(notes) and trail_matches(event)


def test_the_ledger_rules_refuse_lines_by_their_running_balance_and_write_nothing(tree, officer_a):
    (account,) = _accounts(tree, 1, minimum_fixed_fen=50_000)
    number = account.account_number
    rows = [
        [number, "2026-03-02", "A1", "存入保证金", "1000", "", ""],
        [number, "2026-03-02", "A2", "支取保证金", "400", "", ""],  # 600 left, minimum 500
        [number, "2026-03-02", "A3", "支取保证金", "200", "", ""],  # 400 < the minimum
        [number, "2026-03-02", "A4", "退费", "5000", "", ""],  # below zero
        [number, "2026-03-02", "A1", "存入保证金", "1000", "", ""],  # a duplicate in the file
    ]
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    assert result.state == "refused"
    assert [(e["line"], e["column"]) for e in result.errors] == [(4, "金额"), (5, "金额")]
    assert not LedgerEntry.objects.exists()
    account.refresh_from_db()
    assert account.balance_fen == 0


def test_a_held_institution_takes_no_fee_from_a_statement(tree, officer_a):
    (account,) = _accounts(tree, 1)
    record = fees.fee_record_create(
        actor=officer_a,
        institution=account.institution,
        student_name="孙小雨",
        course_name="围棋",
        contract_number="HT-1",
        amount_fen=100_000,
        collected_on=DAY,
        period_start=DAY,
        period_end=DAY + dt.timedelta(days=60),
        class_hours=20,
    )
    number = account.account_number
    over = [[number, "2026-03-02", "F1", "收费入账", "1000.01", "HT-1", ""]]
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(over))
    assert [e["column"] for e in result.errors] == ["金额"]
    with acting(system_actor("tests")):
        account.institution.status = "suspended"
        account.institution.save(update_fields=["status"])
    fine = [[number, "2026-03-02", "F1", "收费入账", "1000", "HT-1", ""]]
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(fine))
    assert result.state == "refused" and "停办" in result.errors[0]["message"]
    assert not LedgerEntry.objects.filter(fee_record=record).exists()


def test_warnings_for_every_account_take_the_same_few_queries_and_run_twice_idempotently(
    tree, officer_a
):
    accounts = _accounts(tree, 4, minimum_fixed_fen=100_000, yellow_threshold_fen=300_000)
    for account in accounts[:2]:  # below the minimum
        ledger.entry_post(
            actor=officer_a, account=account, kind="deposit", amount_fen=50_000, booked_on=DAY
        )
    for account in accounts[2:]:  # above the threshold, then one large outflow
        ledger.entry_post(
            actor=officer_a, account=account, kind="deposit", amount_fen=9_000_000, booked_on=DAY
        )
    ledger.entry_post(
        actor=officer_a,
        account=accounts[3],
        kind="withdrawal",
        amount_fen=6_000_000,
        booked_on=DAY,
    )
    with acting(system_actor("tests")):
        first = periodic.funds_periodic(today=DAY)
    open_now = set(
        FundWarning.objects.filter(status__in=FundWarning.UNRESOLVED).values_list(
            "account_id", "kind"
        )
    )
    assert {(a.pk, "below_minimum") for a in accounts[:2]} <= open_now
    assert (accounts[3].pk, "large_outflow") in open_now
    assert (accounts[2].pk, "below_minimum") not in open_now
    assert first["warnings_raised"] == 0  # every entry already evaluated its account
    notifications = Notification.objects.count()
    rows = list(FundWarning.objects.order_by("id").values())
    with acting(system_actor("tests")):
        second = periodic.funds_periodic(today=DAY)
    assert (second["warnings_raised"], second["warnings_resolved"]) == (0, 0)
    assert list(FundWarning.objects.order_by("id").values()) == rows
    assert Notification.objects.count() == notifications

    # The query count does not grow with the accounts.
    def count(ids):
        with CaptureQueriesContext(connection) as queries, acting(system_actor("tests")):
            warnings.accounts_evaluate(ids, today=DAY, sync=False)
        return len(queries)

    assert count([a.pk for a in accounts]) == count([accounts[0].pk])


def test_a_state_that_is_gone_is_resolved_by_the_set_based_run(tree, officer_a):
    accounts = _accounts(tree, 2, minimum_fixed_fen=100_000, yellow_threshold_fen=100_000)
    for account in accounts:
        ledger.entry_post(
            actor=officer_a, account=account, kind="deposit", amount_fen=50_000, booked_on=DAY
        )
    assert FundWarning.objects.filter(kind="below_minimum", status="open").count() == 2
    with acting(system_actor("tests")):
        EscrowAccount.objects.filter(pk=accounts[0].pk).update(minimum_fixed_fen=0)
        result = warnings.accounts_evaluate(None, today=DAY)
    assert result["resolved"] == 1
    assert set(
        FundWarning.objects.filter(kind="below_minimum").values_list("account_id", "status")
    ) == {(accounts[0].pk, "resolved"), (accounts[1].pk, "open")}


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_a_file_over_several_accounts_at_once_book_it_once(tree):
    from tests.concurrency import run_concurrently
    from tests.funds.conftest import act

    accounts = _accounts(tree, 3)
    officer = tree.user("a", "officer")
    # Lines in an order that would make two line-by-line importers lock in opposite orders.
    rows = [
        [accounts[(2 - n) % 3].account_number, "2026-03-02", f"M{n:03d}", "存入保证金", "1", "", ""]
        for n in range(30)
    ]

    def run(_i):
        with acting(system_actor("tests")):
            result = statements.statement_import(
                actor=act(officer), bureau=tree.a, upload=_csv(rows)
            )
            return result.inserted, result.duplicates

    assert sorted(run_concurrently(run, 2)) == [(0, 30), (30, 0)]
    for account in accounts:
        account.refresh_from_db()
        assert account.balance_fen == 1_000
    assert LedgerEntry.objects.count() == 30
