"""A checked statement booked set-based, chunk by chunk, inside the file's one transaction:
the file's accounts locked once (in id order, so two imports never deadlock), then per chunk
one query for references already booked, the ledger's rules (ledger._check) and running
balances in Python, and one COPY of the entries (as value tuples: no model instance per
entry); at the end one balance update per account, the accounts' warnings, and the entries'
one audit event (bureaus.audit.RowsTrail: the import, its file, its accounts, the entries' id
range, count and SHA-256; `trail_matches` checks it against the ledger; docs/security.md).
A refused line anywhere leaves the rest checked but nothing more written, and the caller
rolls the transaction back (all or nothing)."""

import json

from django.db import connection
from django.db.models import BigIntegerField, Case, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus import audit
from bureaus.copying import copy_escape
from funds.models import EscrowAccount, LedgerEntry
from funds.services import check_actor
from funds.services.ledger import unconsumed_fen
from funds.services.statement_lines import HEADER, Line
from funds.services.thresholds import limits_for

K = LedgerEntry.Kind
# LedgerEntry's concrete fields, in the order the entries' tuples give them (checked once).
ENTRY_FIELDS = (
    "id",
    "bureau_id",
    "account_id",
    "kind",
    "amount_fen",
    "balance_after_fen",
    "booked_on",
    "fee_record_id",
    "reverses_id",
    "bank_reference",
    "note",
    "created_at",
)


def _booked_references(lines) -> set[tuple[int, str]]:
    """The lines' (account, reference) pairs already in the ledger, in one query: the pairs go
    as two JSON arrays zipped by ROWS FROM and each is looked up on the unique index (a nested
    loop of index probes, as many as the chunk's lines whatever the ledger's size; `account =
    ANY(…) AND reference = ANY(…)` was a sequential scan of the ledger per chunk, 0.34 s at
    1,000,000 entries, and psycopg spent as long quoting the arrays). A reference with a NUL
    cannot be stored, nor given to PostgreSQL as JSON text: it is not looked up."""
    lines = [c for c in lines if "\x00" not in c[3]]
    table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.account_id, e.bank_reference FROM ROWS FROM ("  # noqa: S608 (a model's table)
            "json_array_elements_text(%s::json), json_array_elements_text(%s::json)) AS p(a, r) "
            f"JOIN {table} e ON e.account_id = p.a::bigint AND e.bank_reference = p.r "
            "WHERE e.bank_reference <> ''",
            [
                json.dumps([c[1] for c in lines]),
                json.dumps([c[3] for c in lines], ensure_ascii=False),
            ],
        )
        return set(cursor.fetchall())


def _deposited_by_record(fee_record_ids) -> dict[int, int]:
    """How much of each fee record has reached escrow (fee entries net of their reversals),
    as ledger.deposited_fen, for many records in one grouped query."""
    if not fee_record_ids:
        return {}
    rows = (
        LedgerEntry.objects.filter(
            Q(kind=K.FEE) | Q(kind=K.ADJUSTMENT, reverses__kind=K.FEE),
            fee_record_id__in=list(fee_record_ids),
        )
        .values("fee_record_id")
        .annotate(total=Sum("amount_fen"))
    )
    found = {r["fee_record_id"]: r["total"] or 0 for r in rows}
    return {pk: found.get(pk, 0) for pk in fee_record_ids}


class _Books:
    """One account's running state while a file is booked: the ledger's rules
    (ledger._check) applied in Python to each line in turn."""

    def __init__(self, account, *, cache):
        self.account = account
        self.balance = account.balance_fen
        self.open = account.status != EscrowAccount.Status.CLOSED
        self.cache = cache
        self._liability = None

    def liability(self) -> int:
        if self._liability is None:
            self._liability = unconsumed_fen(self.account.institution_id)
        return self._liability

    def refusal(self, kind, amount, new_balance, fee_record_id, fee_amount, deposited):
        """{field: message} when the ledger refuses the line (as ledger._check would)."""
        if kind == K.DEPOSIT and self.open and new_balance >= 0:
            return None  # the common line: a deposit into an open account passes
        account = self.account
        if not self.open:
            return {"": _("The account is closed.")}
        if kind == K.FEE:
            if fee_record_id is None:
                return {
                    "fee_record": _("A fee is collected against a fee record of the institution.")
                }
            if account.institution.is_held:
                return {
                    "": _(
                        "The institution is suspended or banned: it cannot take new fees into "
                        "escrow (refunds and releases stay possible)."
                    )
                }
            if deposited[fee_record_id] + amount > fee_amount:
                return {"amount": _("More than the fee record's amount.")}
        if new_balance < 0:
            return {"amount": _("The balance cannot go below zero.")}
        if (
            kind == K.WITHDRAWAL
            and new_balance < limits_for(account, self.liability(), cache=self.cache)[0]
        ):
            return {"amount": _("A deposit cannot be withdrawn below the minimum balance.")}
        return None


class Booking:
    """One file's booking, inside the caller's transaction: `chunk()` for each chunk of
    checked lines in the file's order, then `finish()` when no line was refused."""

    def __init__(self, account_ids, *, actor):
        fields = tuple(f.attname for f in LedgerEntry._meta.concrete_fields)
        assert fields == ENTRY_FIELDS, f"LedgerEntry's fields changed: {fields}"
        # Lock first, then look: a concurrent import of the same file waits here and then
        # sees the references the first one booked.
        locked = list(
            EscrowAccount.objects.select_related("institution")
            .select_for_update(of=("self",))
            .filter(pk__in=sorted(account_ids))
            .order_by("id")
        )
        for account in locked:
            check_actor(actor, account, "ledgerentry.post")
        cache: dict = {}
        self.books = {account.pk: _Books(account, cache=cache) for account in locked}
        self.errors: list[dict] = []
        self.inserted = self.duplicates = 0
        self.last_day: dict = {}  # account id → the last day booked on it
        # Fee records' deposits as booked so far (the ledger's, plus this file's lines not
        # written yet); emptied after each written chunk, whose entries the next query sees.
        self.deposited: dict[int, int] = {}
        self.now = timezone.now()
        self.trail = audit.RowsTrail(LedgerEntry)
        assert self.trail.fields == list(ENTRY_FIELDS[1:-1]), self.trail.fields
        self.bureaus = {account.pk: account.bureau_id for account in locked}

    def chunk(self, lines: list[Line]) -> None:
        """Check one chunk of lines against the ledger's rules and, while no line of the file
        has been refused, COPY its entries."""
        if not lines:
            return
        booked = _booked_references(lines)
        deposited = self.deposited
        deposited.update(
            _deposited_by_record({c[6] for c in lines if c[6] is not None} - set(deposited))
        )
        books, last_day, bureaus = self.books, self.last_day, self.bureaus
        inflows, fee, escape, NULL = LedgerEntry.INFLOWS, K.FEE, copy_escape, "\\N"
        entries, errors = [], self.errors
        for line, account_id, day, reference, kind, amount, record_id, record_fen, note in lines:
            key = (account_id, reference)
            if key in booked:
                self.duplicates += 1
                continue
            if kind not in inflows:
                amount = -amount
            state = books[account_id]
            new_balance = state.balance + amount
            refusal = state.refusal(kind, amount, new_balance, record_id, record_fen, deposited)
            if refusal:
                errors.extend(
                    {"line": line, "column": HEADER.get(field, ""), "message": str(message)}
                    for field, message in refusal.items()
                )
                continue
            booked.add(key)
            state.balance = new_balance
            if kind == fee:
                deposited[record_id] += amount
            elif kind in (K.RELEASE, K.REFUND) and state._liability is not None:
                state._liability += amount
            # The entry as a line of COPY text (the fields of RowsTrail, in the model's order).
            entries.append(
                f"{bureaus[account_id]}\t{account_id}\t{kind}\t{amount}\t{new_balance}\t{day}\t"
                f"{record_id if kind == fee else NULL}\t{NULL}\t{escape(reference)}\t{escape(note)}"
            )
            last = last_day.get(account_id)
            if last is None or last < day:
                last_day[account_id] = day
        if errors:
            return  # the file is refused: the rest is checked, nothing more written
        self.trail.copy(entries, created_at=self.now)
        self.inserted += len(entries)
        deposited.clear()

    def finish(self) -> None:
        """The accounts' balances (one audited UPDATE for them all, an audit row each, as one
        update per account gave) and warnings, once no line was refused."""
        balances = {pk: self.books[pk].balance for pk in self.last_day}
        if balances:
            EscrowAccount.objects.filter(pk__in=list(balances)).update(
                balance_fen=Case(
                    *(When(pk=pk, then=Value(fen)) for pk, fen in balances.items()),
                    output_field=BigIntegerField(),
                )
            )
        for pk, fen in balances.items():
            self.books[pk].account.balance_fen = fen
        from funds.services.warnings import accounts_evaluate

        # The accounts' warnings once, as of each one's last line (the lookback of large
        # movements covers the file's days).
        for day in sorted(set(self.last_day.values())):
            accounts_evaluate([pk for pk, d in self.last_day.items() if d == day], today=day)

    def record_trail(self, record) -> None:
        """The audit event of the entries booked, once `record` (the import) is saved."""
        self.trail.record(
            bureau_id=record.bureau_id,
            object_repr=f"{record._meta.verbose_name} {record.pk}",
            changes={
                "statement_import": record.pk,
                "file": record.original_name,
                "accounts": sorted(self.last_day),
                "created_at": self.now,
            },
        )


def trail_matches(event) -> bool:
    """Whether the ledger holds exactly what an import's audit event says it booked: the
    entries of its accounts in its id range (no other entry of them can be there: the accounts
    stayed locked while the ids were taken), counted and hashed again from PostgreSQL's own
    COPY text of them (dates written as ISO whatever the session's DateStyle)."""
    found = event.changes
    fields = [f"to_char({f}, 'YYYY-MM-DD')" if f == "booked_on" else f for f in found["fields"]]
    accounts = ",".join(str(int(pk)) for pk in found["accounts"])
    query = (
        f"SELECT {', '.join(fields)} FROM {LedgerEntry._meta.db_table} "  # noqa: S608 (ints)
        f"WHERE account_id = ANY('{{{accounts}}}'::bigint[]) "
        f"AND id > {int(found['after_id'])} AND id <= {int(found['last_id'])} ORDER BY id"
    )
    return audit.text_digest(query) == (found["count"], found["sha256"])
