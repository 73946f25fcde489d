"""The account's ledger page and the ledger API page by keyset (newest first, entries before an
id / an opaque cursor): every page shows the balance after each entry, right across pages and
under a filter, and a page costs the same number of queries however deep it is."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bureaus.context import acting, system_actor
from funds.models import LedgerEntry
from funds.selectors import LEDGER_PAGE
from funds.services import ledger

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
N = LEDGER_PAGE * 2 + 7


@pytest.fixture
def long_ledger(account_a, officer_a):
    with acting(system_actor("tests")):
        for n in range(N):
            kind = "release" if n % 5 == 4 else "deposit"
            ledger.entry_post(
                actor=None,
                account=account_a,
                kind=kind,
                amount_fen=100 if kind == "release" else 1_000,
                booked_on=DAY + dt.timedelta(days=n // 10),
                evaluate=False,
            )
    return account_a


def _page(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(queries)


def test_the_ledger_page_walks_back_by_keyset_with_running_balances(tree, long_ledger):
    client = Client()
    client.force_login(tree.user("a", "officer"))
    url = f"/funds/accounts/{long_ledger.pk}/"
    # Memberships kept in Redis after the first request (bureaus.acting): count warm ones.
    client.get(url)
    expected = list(
        LedgerEntry.objects.filter(account=long_ledger)
        .order_by("-id")
        .values_list("pk", "balance_after_fen")
    )
    seen, counts, params = [], [], {}
    while True:
        response, queries = _page(client, url, params)
        counts.append(queries)
        entries = response.context["entries"]
        seen.extend((e.pk, e.balance_after_fen) for e in entries)
        older = response.context["older_query"]
        if not older:
            break
        params = dict(p.split("=") for p in older.split("&"))
    assert seen == expected and len(counts) == 3
    # The running balance: each entry's balance is the one before it plus its amount.
    running = 0
    for pk, balance in reversed(seen):
        running += LedgerEntry.objects.get(pk=pk).amount_fen
        assert balance == running
    assert counts[0] == counts[1] == counts[2], counts  # the same queries at any depth
    # A filter keeps the balance after each entry (the account's, not the filtered sum).
    response, _queries = _page(client, url, {"kind": "release"})
    releases = response.context["entries"]
    assert releases and all(e.kind == "release" for e in releases)
    assert [e.balance_after_fen for e in releases] == list(
        LedgerEntry.objects.filter(account=long_ledger, kind="release")
        .order_by("-id")
        .values_list("balance_after_fen", flat=True)
    )
    response, _queries = _page(client, url, {"since": str(DAY + dt.timedelta(days=10))})
    assert all(e.booked_on >= DAY + dt.timedelta(days=10) for e in response.context["entries"])


def test_the_query_count_of_a_ledger_page_is_pinned(tree, long_ledger, django_assert_num_queries):
    client = Client()
    client.force_login(tree.user("a", "officer"))
    deep = LedgerEntry.objects.filter(account=long_ledger).order_by("id")[10].pk
    # Memberships kept in Redis after the first request (bureaus.acting): count warm ones.
    client.get(f"/funds/accounts/{long_ledger.pk}/")
    _response, first = _page(client, f"/funds/accounts/{long_ledger.pk}/", {})
    _response, later = _page(client, f"/funds/accounts/{long_ledger.pk}/", {"before": deep})
    assert first == later
    # Session, user, the account, the bureau's subtree, liabilities (2: fee records and the kept
    # paid-out figures, never the ledger), the page; the memberships come from Redis.
    assert first == 7, first


def test_the_ledger_api_pages_by_cursor(tree, long_ledger):
    api = APIClient()
    api.force_authenticate(tree.user("a", "officer"))
    url = f"/api/v1/ledger-entries/?account={long_ledger.pk}"
    seen = []
    while url:
        body = api.get(url).json()
        assert "count" not in body  # no count over a ledger of millions
        seen.extend((r["id"], r["balance_after_fen"]) for r in body["results"])
        url = body["next"]
    assert seen == list(
        LedgerEntry.objects.filter(account=long_ledger)
        .order_by("-id")
        .values_list("pk", "balance_after_fen")
    )
    # Another district's officer sees none of it.
    other = APIClient()
    other.force_authenticate(tree.user("b", "officer"))
    body = other.get(f"/api/v1/ledger-entries/?account={long_ledger.pk}").json()
    assert body["results"] == []


def test_the_query_count_of_a_ledger_api_page_is_pinned(tree, long_ledger):
    api = APIClient()
    api.force_authenticate(tree.user("a", "officer"))
    url = f"/api/v1/ledger-entries/?account={long_ledger.pk}"
    with CaptureQueriesContext(connection) as first:
        body = api.get(url).json()
    with CaptureQueriesContext(connection) as later:
        api.get(body["next"]).json()
    # The same statements at any depth (membership, the bureau's subtree, the keyset page): no
    # count, no offset.
    assert len(first) == len(later) <= 4, [q["sql"] for q in first]
    assert not any("COUNT(" in q["sql"] or "OFFSET" in q["sql"] for q in first)
