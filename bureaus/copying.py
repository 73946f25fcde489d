"""Writing many rows with PostgreSQL COPY (psycopg 3's `cursor.copy()`), for imports whose size
makes INSERT the bottleneck: used by `BureauScopedQuerySet.bulk_copy`, `audit.RowsTrail` and
`audit.record_bulk_copy`, never directly by an app (the audit trail must follow its rows).

Guarantees:
- Row-level security is kept: PostgreSQL refuses COPY FROM into a table whose policies apply to
  the role, so when they apply (`row_security_active`) the rows are copied into a temporary
  table first and moved by one INSERT … SELECT, which the policies check row by row as any
  INSERT; only a role the policies do not apply to (the platform role) copies straight in.
- Triggers and constraints of the table apply as to any insert (COPY fires INSERT triggers).
- Ids are reserved from the table's own sequence before the copy, so the caller knows each
  row's id (as bulk_create's RETURNING) and ids follow the order of the rows given.
- Must run inside a transaction (the temporary table is dropped at its end at the latest).
"""

from django.db import connections

STAGING = "jianguan_copy_staging"


def reserve_ids(model, count: int, *, using: str = "default") -> list[int]:
    """`count` ids from the table's sequence, ascending."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def copy_rows(model, columns: list[str], rows, *, using: str = "default") -> None:
    """COPY `rows` (tuples in the order of `columns`, Python values psycopg adapts) into the
    model's table, through a temporary table when row-level security applies. `columns` must
    hold the primary key: the move keeps the rows' order by it."""
    if model._meta.pk.column not in columns:
        raise ValueError("copy_rows: the columns must hold the primary key")

    def send(copy):
        write = copy.write_row
        for row in rows:
            write(row)

    _copy(model, columns, send, using=using)


def copy_text(model, columns: list[str], text: str, *, using: str = "default") -> None:
    """COPY rows already written in COPY's text format (a line per row, tab-separated, `\\N`
    for NULL, `copy_escape`d text) into the model's table, as copy_rows. Without the primary
    key in `columns` the table's default (its sequence) numbers the rows in the order given,
    through the temporary table too (moved in the order it was written)."""
    _copy(model, columns, lambda copy: copy.write(text), using=using)


# What COPY's text format escapes in a value (as PostgreSQL writes it back with COPY TO).
_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
)


def copy_escape(value: str) -> str:
    """A text value as COPY's text format writes it."""
    if value.isprintable() and "\\" not in value:
        return value
    return value.translate(_ESCAPES)


def _copy(model, columns: list[str], send, *, using: str) -> None:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("copy_rows runs inside a transaction")
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_security_active(%s)", [model._meta.db_table])
        staged = cursor.fetchone()[0]
        if staged:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} ON COMMIT DROP AS "  # noqa: S608 (model names)
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
        target = STAGING if staged else table
        # The psycopg cursor itself (Django's wrapper has no copy()); its errors are turned
        # into Django's (IntegrityError, DatabaseError) as an execute's would be.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy,
        ):
            send(copy)
        if staged:
            pk = model._meta.pk.column
            # The staging table is only appended to, by the one COPY: its physical order
            # (ctid) is the order the rows were given in.
            order = qn(pk) if pk in columns else "ctid"
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {STAGING} "  # noqa: S608
                f"ORDER BY {order}"
            )
            cursor.execute(f"DROP TABLE {STAGING}")
