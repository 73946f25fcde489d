"""Row-level security on a connection that outlives a request (CONN_MAX_AGE) or a task: the
scope is sent with the next statement (bureaus.rls._in_scope), not reset at the end, so these
prove that no scope outlives its request, task or rolled-back transaction."""

import pytest
from celery import shared_task
from django.db import DatabaseError, connection, transaction

from bureaus import rls
from bureaus.models import Street

pytestmark = [
    pytest.mark.urls("tests.bureaus.rls_urls"),
    pytest.mark.django_db(transaction=True),  # autocommit, as requests run in production
]


@shared_task(name="tests.rls_connection.count_streets")
def count_streets():
    """A task that forgets tenancy: every street, no visible_to."""
    return sorted(Street._base_manager.values_list("bureau_id", flat=True))


def _left_on_connection() -> str:
    """What the connection itself holds (the raw connection: not through the wrapper that
    would send the current scope first)."""
    return connection.connection.execute(
        "SELECT current_setting('jianguan.read_bureaus', true)"
    ).fetchone()[0]


def _streets(tree):
    Street.objects.create(bureau=tree.a, name="甲街道")
    Street.objects.create(bureau=tree.b, name="乙街道")


def test_the_next_request_on_the_same_connection_gets_none_of_the_previous_scope(client, tree):
    _streets(tree)
    client.force_login(tree.user("city", "supervisor"))
    assert set(client.get("/unscoped/").json()["bureaus.street"]) == {tree.a.pk, tree.b.pk}
    # The connection leaves the request still holding the city's subtree (no reset sent)…
    assert str(tree.a.pk) in _left_on_connection()
    # …and the next request's statements run under its own scope: anonymous sees nothing,
    # a district officer only their district.
    client.logout()
    assert not any(client.get("/unscoped/").json().values())
    client.force_login(tree.user("b", "officer"))
    assert client.get("/unscoped/").json()["bureaus.street"] == [tree.b.pk]


def test_a_task_after_a_request_on_the_same_connection_starts_from_the_empty_scope(client, tree):
    _streets(tree)
    client.force_login(tree.user("city", "supervisor"))
    assert client.get("/unscoped/").status_code == 200
    assert str(tree.b.pk) in _left_on_connection()
    # Run by Celery's tracer in this thread (task_prerun / task_postrun), on this connection.
    assert count_streets.apply().get() == []
    # Not vacuous: both streets are there for the test code's own (platform) scope.
    assert Street.objects.count() == 2


def test_a_scope_chosen_before_a_transaction_survives_its_rollback(tree):
    _streets(tree)
    assert Street.objects.count() == 2  # the connection now holds the platform scope
    officer = tree.user("a", "officer")
    with rls.use(rls.for_membership(officer, officer.memberships.get())):
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            assert Street.objects.count() == 1
            raise ZeroDivisionError
        # Sent before the transaction, not inside it: the rollback did not bring back the
        # platform scope.
        assert Street.objects.count() == 1
        assert _left_on_connection() == f"{{{tree.a.pk}}}"


def test_a_failed_statement_does_not_keep_the_scope_sent_with_it(tree):
    _streets(tree)
    officer = tree.user("a", "officer")
    with rls.use(rls.for_membership(officer, officer.memberships.get())):
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # the scope went with it, and was rolled back
        assert list(Street.objects.values_list("bureau_id", flat=True)) == [tree.a.pk]
    with rls.use(rls.EMPTY):
        assert Street.objects.count() == 0
