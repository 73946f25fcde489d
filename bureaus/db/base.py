"""Django's PostgreSQL backend (ENGINE "bureaus.db"), with a health check that costs no round
trip while the connection is sound.

With CONN_HEALTH_CHECKS, Django asks the server (`SELECT 1`) before the first statement of
every request on a kept connection: one round trip per request, the floor's fifth (issue 11).
A connection that the server or anything between has closed — a restart,
`pg_terminate_backend`, `idle_session_timeout`, a proxy that dropped it — has the server's
last message or the end of the stream waiting on its socket. So the socket is looked at first
(a poll that does not wait); the server is asked, exactly as Django does, whenever anything is
waiting there, or the connection is not idle, or psycopg already knows it is broken. A peer
that vanished without closing (a cable pulled) answers neither way until TCP gives up: the
request fails and Django drops the connection after it, as it does when `SELECT 1` hangs.

Guarantee (tests/bureaus/test_db_health.py): a kept connection that the server has ended is
found unusable and replaced before the request's first statement, as with Django's check.
"""

import select

import psycopg
from django.db.backends.postgresql.base import *  # noqa: F403
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg import pq


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self):
        raw = self.connection
        if raw is None or raw.closed:
            return False
        if (
            raw.info.status != pq.ConnStatus.OK
            or raw.info.transaction_status != pq.TransactionStatus.IDLE
        ):
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(raw.fileno(), select.POLLIN | select.POLLPRI)
            waiting = poller.poll(0)
        except (OSError, ValueError, psycopg.Error):
            return False
        # Nothing waiting: the server has neither said goodbye nor closed the stream.
        return True if not waiting else super().is_usable()
