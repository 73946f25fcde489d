"""The database health check without a round trip (bureaus/db/base.py, issue 11): a sound kept
connection is found usable without asking the server; one the server has ended is found
unusable, and the next request's first statement runs on a new connection."""

import tempfile
import time

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    """A connection of its own, as a request's thread keeps it (autocommit, idle)."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _checked(wrapper) -> tuple[bool, bytes]:
    """`is_usable()`, and the protocol traffic it caused (libpq's trace of the connection)."""
    with tempfile.TemporaryFile() as trace:
        wrapper.connection.pgconn.trace(trace.fileno())
        try:
            usable = wrapper.is_usable()
        finally:
            wrapper.connection.pgconn.untrace()
        trace.seek(0)
        return usable, trace.read()


def _pid(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_sound_connection_is_usable_without_a_round_trip(kept):
    assert kept.vendor == "postgresql" and kept.settings_dict["CONN_HEALTH_CHECKS"]
    _pid(kept)
    usable, traffic = _checked(kept)
    assert usable and traffic == b""


def test_a_connection_the_server_ended_is_unusable_and_replaced(kept):
    pid = _pid(kept)
    other = connections.create_connection("default")
    other.ensure_connection()
    try:
        # On the raw connection, as the login role (not the scope's role, which may not signal
        # the login role's backends).
        assert other.connection.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    finally:
        other.close()
    for _ in range(100):  # the server's goodbye reaches the socket
        if not kept.is_usable():
            break
        time.sleep(0.02)
    assert not kept.is_usable()
    # What Django does before a request's first statement on a kept connection.
    kept.health_check_done = False
    kept.close_if_health_check_failed()
    assert kept.connection is None
    assert _pid(kept) != pid


def test_inside_a_transaction_the_server_is_asked(kept):
    """Not idle (a transaction open): Django's own check, `SELECT 1`."""
    kept.set_autocommit(False)
    try:
        with kept.cursor() as cursor:
            cursor.execute("SELECT 2")
        usable, traffic = _checked(kept)
        assert usable and b"SELECT 1" in traffic
    finally:
        kept.rollback()
        kept.set_autocommit(True)
