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

import datetime
import functools
import select

import psycopg
import psycopg.adapt
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

    def get_connection_params(self):
        """Django's, with psycopg's own timestamptz loader where it gives what Django's does."""
        params = super().get_connection_params()
        if self.timezone == datetime.UTC:
            params["context"] = _with_utc_loader(params["context"])
        return params


# Django reads every timestamptz through its own loader (psycopg_any.BaseTzLoader), a subclass
# of psycopg's pure-Python one that parses the text in Python and then sets the connection's
# time zone: ~4 µs a value, 0.2–0.4 ms of a 50-row list whose rows have one or two dates
# (issue 11). The connection's TimeZone is UTC whenever Django's time zone is UTC (Django sets
# it as the connection opens), and psycopg's own C loader then gives the same aware datetime,
# with `datetime.UTC`. The C loader cannot be subclassed, so the loader below hands each value
# to one (its bound `load`, called directly) and carries the `timezone` attribute Django's
# cursors look for (DatabaseWrapper.create_cursor registers Django's loader on a cursor when
# the connection's differs). tests/bureaus/test_db_timestamps.py compares the two.
_PSYCOPG_TZ_LOADER = psycopg.adapters.get_loader(
    psycopg.postgres.types["timestamptz"].oid, pq.Format.TEXT
)


class UtcTimestamptzLoader(psycopg.adapt.Loader):
    timezone = datetime.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._psycopgs = _PSYCOPG_TZ_LOADER(oid, context)
        self.load = self._psycopgs.load  # called directly, not through the method below

    def load(self, data):
        return self._psycopgs.load(data)


@functools.cache
def _with_utc_loader(template):
    context = psycopg.adapt.AdaptersMap(template)
    context.register_loader("timestamptz", UtcTimestamptzLoader)
    return context
