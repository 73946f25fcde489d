"""Eight threads on separate connections post to one account: the ledger's row lock loses no
update. The same hammering through a naive read-modify-write (read the balance, add, write it
back) loses some, so this test can fail."""

import time

import pytest
from django.db.models import Sum

from bureaus.context import acting, system_actor
from funds.models import EscrowAccount, LedgerEntry
from funds.services import ledger
from funds.services import warnings as warning_service
from tests.concurrency import run_concurrently
from tests.funds.conftest import make_institution, open_account

pytestmark = pytest.mark.django_db(transaction=True)
THREADS, POSTS, AMOUNT = 8, 5, 100
# Time spent between reading the balance and writing it back (a request doing its work).
WORK = 0.02


def _naive_post(account_id: int) -> None:
    account = EscrowAccount.objects.get(pk=account_id)
    time.sleep(WORK)
    EscrowAccount.objects.filter(pk=account_id).update(balance_fen=account.balance_fen + AMOUNT)


def _hammer(post) -> int:
    def worker(_i):
        with acting(system_actor("tests")):
            for _ in range(POSTS):
                post()

    results = run_concurrently(worker, THREADS)
    assert not [r for r in results if isinstance(r, BaseException)], results
    return THREADS * POSTS * AMOUNT


@pytest.fixture
def account(tree):
    return open_account(make_institution(tree.a))


def test_eight_threads_lose_no_update_under_the_row_lock(account, monkeypatch):
    evaluate = warning_service.account_evaluate

    def slow_evaluate(*args, **kwargs):
        time.sleep(WORK)  # the same window as the naive version, inside the lock
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(warning_service, "account_evaluate", slow_evaluate)
    expected = _hammer(
        lambda: ledger.entry_post(
            actor=None, account=account, kind=LedgerEntry.Kind.DEPOSIT, amount_fen=AMOUNT
        )
    )
    account.refresh_from_db()
    total = LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount_fen"))["s"]
    assert account.balance_fen == total == expected
    balances = sorted(
        LedgerEntry.objects.filter(account=account).values_list("balance_after_fen", flat=True)
    )
    # Every entry saw the one before it: running balances 100, 200, … 4000, none repeated.
    assert balances == [AMOUNT * (i + 1) for i in range(THREADS * POSTS)]


def test_the_naive_read_modify_write_loses_updates(account):
    expected = _hammer(lambda: _naive_post(account.pk))
    account.refresh_from_db()
    assert account.balance_fen < expected
