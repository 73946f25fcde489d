"""Transaction-scoped advisory locks: serialise work on something that has no row yet (a
work order about to be created from an external number)."""

import hashlib

from django.db import connection, transaction


def advisory_xact_lock(*parts) -> None:
    """Hold a PostgreSQL advisory lock on `parts` until the current transaction ends; a second
    transaction asking for the same parts waits for it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("advisory_xact_lock() must run inside a transaction")
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
