"""Gap-free numbers per bureau, kind and year, safe under concurrency.

Guarantee: two transactions asking for the same (bureau, kind, year) never get the same number;
the second waits on the counter row until the first commits or rolls back. A number is used only
if the caller's transaction commits: a rollback returns it, so the sequence has no gaps. Callers
therefore ask for the number as late as possible inside their transaction (the counter row stays
locked until it ends).
"""

from django.db import connection, transaction

from core.models import NumberCounter

# One statement: insert the sequence at 1 or add one under the row lock, and return the value.
_UPSERT = """
    INSERT INTO core_numbercounter (bureau_id, kind, year, last)
    VALUES (%s, %s, %s, 1)
    ON CONFLICT (bureau_id, kind, year)
    DO UPDATE SET last = core_numbercounter.last + 1
    RETURNING last
"""


def next_number(*, bureau, kind: str, year: int) -> int:
    """The next number of this bureau's `kind` sequence for `year` (1, 2, 3…).

    Must run inside the caller's transaction (`transaction.atomic`), so that the number is
    returned to the sequence if the caller fails."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the caller's transaction")
    bureau_id = getattr(bureau, "pk", bureau)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [bureau_id, kind, year])
        return cursor.fetchone()[0]


def peek_number(*, bureau, kind: str, year: int) -> int:
    """The last number issued in this sequence (0 if none), without taking one."""
    bureau_id = getattr(bureau, "pk", bureau)
    row = (
        NumberCounter.objects.filter(bureau_id=bureau_id, kind=kind, year=year)
        .values_list("last", flat=True)
        .first()
    )
    return row or 0
