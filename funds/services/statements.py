"""Bank statement import (CSV or .xlsx, one file per account and day).

Columns (header row, in any order):
    账号        the supervised account's number
    交易日期    the booking date (2026-03-02, 2026/3/2, 2026年3月2日 or 20260302)
    交易流水号  the bank's transaction reference (unique per account)
    交易类型    收费入账 / 课消划拨 / 退费 / 存入保证金 / 支取保证金
    金额        in yuan, positive, at most two decimals (the type gives the direction)
    合同编号    the fee record's contract number (收费入账 only)
    摘要        free text, optional

Guarantees: a file that does not parse, or has any line in error, writes nothing and the
import says why, line by line; a line for an account that is not the importing district's is
an error with its line number (the same message whether the account is unknown or another
district's); a reference already booked is counted as a duplicate and not booked again
(unique constraint), so re-importing a file inserts 0 rows, and two imports of one file at
once serialize on the accounts' row locks (taken in id order): one books, the other finds
duplicates. Booking is set-based (one transaction per file: one lock query, one duplicate
query, the ledger's rules checked in Python with running balances, one bulk insert of the
entries with their audit rows, one balance update per account)."""

from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.crypto import blind_index
from core import spreadsheets as sheets
from core import uploads
from core.jobs import job_claim, job_progress
from funds.models import EscrowAccount, FeeRecord, LedgerEntry, StatementImport
from funds.services import check_actor
from funds.services.ledger import unconsumed_fen
from funds.services.thresholds import limits_for

K = LedgerEntry.Kind
COLUMNS = [
    sheets.Column("account", "账号", True),
    sheets.Column("day", "交易日期", True),
    sheets.Column("reference", "交易流水号", True),
    sheets.Column("kind", "交易类型", True),
    sheets.Column("amount", "金额", True),
    sheets.Column("contract", "合同编号"),
    sheets.Column("note", "摘要"),
]
KINDS = {
    "收费入账": K.FEE,
    "课消划拨": K.RELEASE,
    "退费": K.REFUND,
    "存入保证金": K.DEPOSIT,
    "支取保证金": K.WITHDRAWAL,
}
HEADER = {c.key: c.header for c in COLUMNS}
MAX_BYTES = 20 * 1024 * 1024


class _Refused(Exception):
    def __init__(self, errors):
        self.errors = errors


def _fen(value) -> int:
    raw = sheets.text(value).replace(",", "").replace("¥", "")
    amount = Decimal(raw)
    fen = amount * 100
    if amount <= 0 or fen != fen.to_integral_value():
        raise InvalidOperation(raw)
    return int(fen)


def _check_row(line: int, raw: dict, *, accounts: dict, days: dict) -> sheets.RowResult:
    """One line's values and errors, without a query (accounts are looked up beforehand by
    their numbers' blind indexes, fee records by contract after all lines are read)."""
    row = sheets.RowResult(line)
    number = "".join(sheets.text(raw["account"]).split())
    account = accounts.get(number)
    if account is None:
        row.error("account", _("Not a supervised account of this district."))
    row.values["account"] = account
    raw_day = raw["day"]
    try:
        key = raw_day if isinstance(raw_day, str) else None
        day = days[key] if key in days else sheets.date(raw_day)
        if key is not None:
            days[key] = day
        row.values["day"] = day
        if day is None:
            row.error("day", _("This column is required."))
    except ValueError:
        row.error("day", _("Not a date."))
    row.values["reference"] = sheets.text(raw["reference"])
    if not row.values["reference"]:
        row.error("reference", _("This column is required."))
    elif len(row.values["reference"]) > 64:
        row.error("reference", _("At most 64 characters."))
    row.values["kind"] = sheets.choice(row, raw, "kind", KINDS)
    try:
        row.values["amount"] = _fen(raw["amount"])
    except (InvalidOperation, ValueError):
        row.error("amount", _("A positive amount in yuan with at most two decimals."))
    contract = sheets.text(raw.get("contract"))
    row.values["contract"] = contract
    row.values["fee_record"] = None
    if row.values["kind"] == K.FEE and not contract:
        row.error("contract", _("A fee names its contract number."))
    row.values["note"] = sheets.text(raw.get("note"))[:200]
    return row


def _accounts_of(body, *, bureau_id: int) -> dict:
    """The district's accounts the file names, by number, in one query (the same refusal
    whether a number is unknown or another district's)."""
    numbers = {"".join(sheets.text(raw["account"]).split()) for _line, raw in body}
    numbers.discard("")
    by_index = {blind_index(n): n for n in numbers}
    found = EscrowAccount.objects.filter(
        bureau_id=bureau_id, account_number_index__in=list(by_index)
    ).select_related("institution")
    return {by_index[a.account_number_index]: a for a in found}


def _fee_records_of(checked) -> None:
    """Fee lines' records by contract number, in one query; an unknown contract is an error."""
    wanted = [r for r in checked if r.values["kind"] == K.FEE and r.values["account"] is not None]
    wanted = [r for r in wanted if r.values["contract"]]
    if not wanted:
        return
    institutions = {r.values["account"].institution_id for r in wanted}
    contracts = {r.values["contract"] for r in wanted}
    records = {
        (f.institution_id, f.contract_number): f
        for f in FeeRecord.objects.filter(
            institution_id__in=institutions, contract_number__in=contracts
        )
    }
    for row in wanted:
        record = records.get((row.values["account"].institution_id, row.values["contract"]))
        if record is None:
            row.error("contract", _("No fee record with this contract number."))
        row.values["fee_record"] = record


def _booked_references(account_ids, references) -> set[tuple[int, str]]:
    """(account, reference) pairs already in the ledger, in one query on the unique index."""
    table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_id, bank_reference FROM {table} "  # noqa: S608 (a model's table)
            "WHERE account_id = ANY(%s) AND bank_reference = ANY(%s) AND bank_reference <> ''",
            [list(account_ids), list(references)],
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
    return {r["fee_record_id"]: r["total"] or 0 for r in rows}


class _Books:
    """One account's running state while a file is booked: the ledger's rules
    (ledger._check) applied in Python to each line in turn."""

    def __init__(self, account, *, cache):
        self.account = account
        self.balance = account.balance_fen
        self.cache = cache
        self._liability = None

    def liability(self) -> int:
        if self._liability is None:
            self._liability = unconsumed_fen(self.account.institution_id)
        return self._liability

    def refusal(self, kind, amount, new_balance, fee_record, deposited) -> dict | None:
        """{field: message} when the ledger refuses the line (as ledger._check would)."""
        account = self.account
        if account.status == EscrowAccount.Status.CLOSED:
            return {"": _("The account is closed.")}
        if kind == K.FEE:
            if fee_record is None or fee_record.institution_id != account.institution_id:
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
            if deposited.get(fee_record.pk, 0) + amount > fee_record.amount_fen:
                return {"amount": _("More than the fee record's amount.")}
        if new_balance < 0:
            return {"amount": _("The balance cannot go below zero.")}
        if (
            kind == K.WITHDRAWAL
            and new_balance < limits_for(account, self.liability(), cache=self.cache)[0]
        ):
            return {"amount": _("A deposit cannot be withdrawn below the minimum balance.")}
        return None


def _book(rows, *, actor) -> tuple[int, int, list]:
    """Book the checked lines set-based, inside the caller's transaction: lock the file's
    accounts once (in id order, so two imports never deadlock), one query for references
    already booked, the ledger's rules and running balances in Python, one bulk insert of the
    entries with their audit rows, one balance update per account, the accounts' warnings."""
    fields = tuple(f.attname for f in LedgerEntry._meta.concrete_fields)
    assert fields == ENTRY_FIELDS, f"LedgerEntry's fields changed: {fields}"
    account_ids = sorted({r.values["account"].pk for r in rows})
    # Lock first, then look: a concurrent import of the same file waits here and then sees
    # the references the first one booked.
    locked = {
        a.pk: a
        for a in EscrowAccount.objects.select_related("institution")
        .select_for_update(of=("self",))
        .filter(pk__in=account_ids)
        .order_by("id")
    }
    for account in locked.values():
        check_actor(actor, account, "ledgerentry.post")
    booked = _booked_references(account_ids, {r.values["reference"] for r in rows})
    deposited = _deposited_by_record(
        {r.values["fee_record"].pk for r in rows if r.values["fee_record"] is not None}
    )
    cache: dict = {}
    books = {pk: _Books(account, cache=cache) for pk, account in locked.items()}
    entries, errors = [], []
    duplicates = 0
    last_day: dict = {}  # account id → the last day booked on it
    for row in rows:
        values = row.values
        account_id = values["account"].pk
        key = (account_id, values["reference"])
        if key in booked:
            duplicates += 1
            continue
        kind, record = values["kind"], values["fee_record"]
        amount = values["amount"] if kind in LedgerEntry.INFLOWS else -values["amount"]
        state = books[account_id]
        new_balance = state.balance + amount
        refusal = state.refusal(kind, amount, new_balance, record, deposited)
        if refusal:
            errors.extend(
                {"line": row.line, "column": HEADER.get(field, ""), "message": str(message)}
                for field, message in refusal.items()
            )
            continue
        booked.add(key)
        state.balance = new_balance
        if kind == K.FEE:
            deposited[record.pk] = deposited.get(record.pk, 0) + amount
        elif kind in (K.RELEASE, K.REFUND) and state._liability is not None:
            state._liability += amount
        # Positional, in the order of ENTRY_FIELDS (Model.__init__'s fast path: no keyword
        # or related-object descriptor per line); the account is cached on the entry, so
        # that inherit_bureau reads it without a query.
        entry = LedgerEntry(
            None,
            state.account.bureau_id,
            account_id,
            kind,
            amount,
            new_balance,
            values["day"],
            record.pk if kind == K.FEE else None,
            None,
            values["reference"],
            values["note"],
            None,
        )
        entry._state.fields_cache["account"] = state.account
        entries.append(entry)
        day = last_day.get(account_id)
        if day is None or day < values["day"]:
            last_day[account_id] = values["day"]
    if errors:
        return 0, duplicates, errors
    LedgerEntry.objects.bulk_copy(entries)
    for account_id in last_day:
        state = books[account_id]
        EscrowAccount.objects.filter(pk=account_id).update(balance_fen=state.balance)
        state.account.balance_fen = state.balance
    from funds.services.warnings import accounts_evaluate

    # The accounts' warnings once, as of each one's last line (the lookback of large
    # movements covers the file's days).
    for day in sorted(set(last_day.values())):
        accounts_evaluate([pk for pk, d in last_day.items() if d == day], today=day)
    return len(entries), duplicates, errors


# LedgerEntry's concrete fields, in the order _book passes them (checked at each import).
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
PROGRESS_EVERY = 20_000


def _progress(record: StatementImport, **counts) -> None:
    # Progress ticks are bookkeeping, not domain data: written without an audit event
    # (core.jobs), and outside the booking transaction, so the job page sees them as they come.
    if record.pk:
        job_progress(record, **counts)
    else:
        for name, value in counts.items():
            setattr(record, name, value)


def _rows(data: bytes, kind: str):
    rows = sheets.read_rows(data, kind)
    if not rows:
        raise sheets.FileRefused(_("The file is empty."))
    return sheets.body_rows(rows, sheets.check_header(rows[0], COLUMNS))


def _process(record: StatementImport, data: bytes, kind: str, *, actor) -> StatementImport:
    """Check every line, then book them all in one transaction that also finishes the record
    (so a run that dies books nothing, and a redelivered run finds the record finished)."""
    try:
        body = _rows(data, kind)
        _progress(record, lines=len(body), checked=0, state=StatementImport.State.RUNNING)
        accounts = _accounts_of(body, bureau_id=record.bureau_id)
        days: dict = {}
        checked = []
        for n, (line, raw) in enumerate(body, start=1):
            checked.append(_check_row(line, raw, accounts=accounts, days=days))
            if n % PROGRESS_EVERY == 0:
                _progress(record, checked=n)
        _fee_records_of(checked)
        _progress(record, checked=len(body), state=StatementImport.State.BOOKING)
        errors = [
            {"line": r.line, "column": HEADER[key], "message": str(message)}
            for r in checked
            for key, message in r.errors
        ]
        if errors:
            raise _Refused(errors)
        with transaction.atomic():
            if record.pk:
                # Two runs of one job (a redelivery while the first still runs) serialize here.
                locked = StatementImport.objects.select_for_update().get(pk=record.pk)
                if locked.is_finished:
                    return locked
            inserted, duplicates, errors = _book(checked, actor=actor)
            if errors:
                raise _Refused(errors)
            record.state = StatementImport.State.DONE
            record.inserted, record.duplicates = inserted, duplicates
            record.finished_at = timezone.now()
            record.save()
    except sheets.FileRefused as exc:
        _refuse(record, [{"line": 0, "column": "", "message": str(exc)}])
    except _Refused as exc:
        _refuse(record, exc.errors)
    return record


def _refuse(record: StatementImport, errors: list) -> None:
    record.state = StatementImport.State.REFUSED
    record.errors = errors
    record.inserted = record.duplicates = 0
    record.finished_at = timezone.now()
    record.save()


def statement_import(*, actor, bureau, upload) -> StatementImport:
    """Import one statement file for the district at once (the API, small files); returns the
    import with its report."""
    check_actor(actor, StatementImport(bureau=bureau), "statementimport.change")
    record = StatementImport(
        bureau=bureau,
        original_name=(upload.name or "")[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        kind = sheets.check_file(upload, max_bytes=MAX_BYTES)
        upload.seek(0)
        data = upload.read()
    except sheets.FileRefused as exc:
        _refuse(record, [{"line": 0, "column": "", "message": str(exc)}])
        return record
    return _process(record, data, kind, actor=actor)


@transaction.atomic
def statement_import_create(*, actor, bureau, upload) -> StatementImport:
    """Accept a statement for import in the background: the whole file is checked (type, size,
    readable, header) before a job exists (sheets.FileRefused otherwise), then it is stored
    and the job queued after commit."""
    check_actor(actor, StatementImport(bureau=bureau), "statementimport.change")
    kind = sheets.check_file(upload, max_bytes=MAX_BYTES)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    rows = sheets.read_rows(data, kind)
    if not rows:
        raise sheets.FileRefused(_("The file is empty."))
    sheets.check_header(rows[0], COLUMNS)
    record = StatementImport(
        bureau=bureau,
        original_name=(upload.name or "")[:200],
        state=StatementImport.State.QUEUED,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    stamp = timezone.localtime().strftime("%Y/%m")
    record.file = default_storage.save(
        f"statements/{stamp}/{uploads.random_name(kind)}", ContentFile(data)
    )
    record.save()
    from funds.tasks import statement_import_run as task

    transaction.on_commit(lambda: task.delay(record.pk))  # the long-jobs queue
    return record


def statement_import_run(*, import_id: int) -> dict:
    """Run one queued import to the end; a finished import is left alone (redelivery)."""
    record = job_claim(StatementImport, import_id)  # counts the delivery (core.jobs)
    if record is None:
        return {"skipped": True}
    try:
        with default_storage.open(record.file, "rb") as f:
            data = f.read()
        kind = sheets.check_file(
            sheets.StoredUpload(record.original_name, data), max_bytes=MAX_BYTES
        )
        _process(record, data, kind, actor=None)
    except Exception:
        if not record.is_finished:
            _refuse(
                record,
                [
                    {
                        "line": 0,
                        "column": "",
                        "message": _(
                            "The import stopped on an unexpected error; nothing was written. "
                            "Please try again or contact the administrator."
                        ),
                    }
                ],
            )
        raise
    record.refresh_from_db()
    return {
        "state": record.state,
        "lines": record.lines,
        "inserted": record.inserted,
        "duplicates": record.duplicates,
    }
