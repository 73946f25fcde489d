"""The paid-out figure kept on each account (migration 0009's trigger): it moves with every
release, refund and their reversals in the statement that inserts them — one by one or a
statement file's bulk insert — so the warnings and the ledger page read unconsumed fees from
the account rows, never the ledger; the nightly reconciliation raises a mismatch when the
figure and the entries disagree, and fixes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bureaus.context import acting, system_actor
from funds.models import EscrowAccount, FundWarning, LedgerEntry
from funds.services import ledger, statements, warnings
from funds.services.ledger import liabilities, paid_out_sums
from funds.tasks import funds_reconcile

pytestmark = pytest.mark.django_db
K = LedgerEntry.Kind
DAY = dt.date(2026, 3, 2)


def _post(account, kind, amount=None, **extra):
    with acting(system_actor("tests")):
        return ledger.entry_post(
            actor=None,
            account=account,
            kind=kind,
            amount_fen=amount,
            booked_on=DAY,
            evaluate=False,
            **extra,
        )


def _kept(account) -> int:
    return EscrowAccount.objects.values_list("paid_out_fen", flat=True).get(pk=account.pk)


def test_paid_out_follows_releases_refunds_and_their_reversals(account_a):
    _post(account_a, K.DEPOSIT, 1_000_000)
    release = _post(account_a, K.RELEASE, 30_000)
    _post(account_a, K.REFUND, 20_000)
    _post(account_a, K.WITHDRAWAL, 5_000)  # a deposit's withdrawal pays no fees out
    assert _kept(account_a) == 50_000
    _post(account_a, K.ADJUSTMENT, reverses=release)
    assert _kept(account_a) == 20_000
    assert paid_out_sums([account_a.pk]) == {account_a.pk: 20_000}
    # The unconsumed fees read the kept figure: no fee records, 20,000 paid out.
    assert liabilities([account_a.institution_id]) == {account_a.institution_id: -20_000}
    assert funds_reconcile.apply().get()["mismatched"] == 0


def test_a_statement_files_bulk_insert_moves_the_figure_once_per_account(account_a, officer_a):
    _post(account_a, K.DEPOSIT, 1_000_000)
    lines = ["账号,交易日期,交易流水号,交易类型,金额,合同编号,摘要"] + [
        f"{account_a.account_number},2026-03-02,R{n},退费,10.00,," for n in range(5)
    ]
    upload = SimpleUploadedFile("s.csv", ("\n".join(lines) + "\n").encode(), "text/csv")
    done = statements.statement_import(actor=officer_a, bureau=account_a.bureau, upload=upload)
    assert (done.state, done.inserted) == ("done", 5), done.errors
    assert _kept(account_a) == paid_out_sums([account_a.pk])[account_a.pk] == 5_000


def test_the_reconciliation_raises_a_mismatch_on_the_paid_out_figure(account_a):
    _post(account_a, K.DEPOSIT, 1_000_000)
    _post(account_a, K.RELEASE, 30_000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE funds_escrowaccount SET paid_out_fen = 1 WHERE id = %s", [account_a.pk]
        )
    result = funds_reconcile.apply(args=["2026-03-03"]).get()
    assert result == {"checked": 1, "mismatched": 1, "raised": 1}
    assert _kept(account_a) == 1  # never silently fixed
    warning = FundWarning.objects.get(kind=FundWarning.Kind.MISMATCH)
    assert "300.00" in warning.detail and warning.status == "open"


def test_the_warnings_read_no_ledger_sums_whatever_the_number_of_accounts(account_a):
    """No query of the job sums an account's ledger: the last movement is one index step per
    account, outflows are read within the window only."""
    _post(account_a, K.DEPOSIT, 1_000_000)
    _post(account_a, K.RELEASE, 30_000)
    with CaptureQueriesContext(connection) as queries, acting(system_actor("tests")):
        warnings.accounts_evaluate([account_a.pk], today=DAY)
    ledger_reads = [q["sql"] for q in queries if "funds_ledgerentry" in q["sql"]]
    assert ledger_reads
    for sql in ledger_reads:
        # Bounded by day (the outflow window, the last movement) or by the fee records not
        # yet deposited: never a sum of an account's whole ledger.
        assert "booked_on" in sql or '"funds_feerecord"' in sql, sql
