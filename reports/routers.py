"""The read replica: dashboards, roll-ups and reports read from a PostgreSQL streaming replica
when `DATABASE_REPLICA_URL` is set (docs/read-replica.md); everything else, and every write,
uses the primary.

Guarantees:
- Reads go to the replica only inside `replica_reads()` and only when the alias "replica" is
  configured; a write (db_for_write) always goes to "default", and nothing is migrated on the
  replica (a physical standby replays the primary's schema).
- The replica's connections carry the same row-level security scope as the primary's: the
  scope is sent on every open connection of the thread and on every new one, whatever its
  alias (bureaus.rls._in_scope / connection_created), and the standby holds the same roles and
  policies, so a district reads only its subtree there too.
"""

import contextvars
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("jianguan_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    """Reads inside go to the replica when one is configured (read-only pages only: a page
    that writes must not read its own write back from a replica that may lag)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same database (the replica is a copy of the primary).
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
