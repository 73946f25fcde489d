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
once serialize on the account's row lock: one books, the other finds duplicates."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.crypto import blind_index
from core import spreadsheets as sheets
from core import uploads
from core.errors import error_dict
from funds.models import EscrowAccount, FeeRecord, LedgerEntry, StatementImport
from funds.services import check_actor
from funds.services.ledger import entry_post

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


def _check_row(line: int, raw: dict, *, bureau_id: int, accounts: dict) -> sheets.RowResult:
    row = sheets.RowResult(line)
    number = "".join(sheets.text(raw["account"]).split())
    account = accounts.get(number)
    if account is None:
        found = EscrowAccount.objects.filter(account_number_index=blind_index(number)).first()
        if found is not None and found.bureau_id == bureau_id:
            account = accounts[number] = found
    if account is None:
        row.error("account", _("Not a supervised account of this district."))
    row.values["account"] = account
    try:
        row.values["day"] = sheets.date(raw["day"])
        if row.values["day"] is None:
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
    row.values["fee_record"] = None
    if row.values["kind"] == K.FEE:
        if not contract:
            row.error("contract", _("A fee names its contract number."))
        elif account is not None:
            record = FeeRecord.objects.filter(
                institution_id=account.institution_id, contract_number=contract
            ).first()
            if record is None:
                row.error("contract", _("No fee record with this contract number."))
            row.values["fee_record"] = record
    row.values["note"] = sheets.text(raw.get("note"))[:200]
    return row


def _book(rows, *, actor) -> tuple[int, int, list]:
    inserted = duplicates = 0
    errors = []
    last_day: dict = {}  # account → (account, the last day booked on it)
    for row in rows:
        values = row.values
        account = values["account"]
        # Lock first, then look: a concurrent import of the same file waits here and then
        # sees the references the first one booked.
        EscrowAccount.objects.select_for_update().filter(pk=account.pk).first()
        if LedgerEntry.objects.filter(account=account, bank_reference=values["reference"]).exists():
            duplicates += 1
            continue
        try:
            with transaction.atomic():
                entry_post(
                    actor=actor,
                    account=account,
                    kind=values["kind"],
                    amount_fen=values["amount"],
                    booked_on=values["day"],
                    fee_record=values["fee_record"],
                    bank_reference=values["reference"],
                    note=values["note"],
                    evaluate=False,
                )
        except ValidationError as exc:
            for field, messages in error_dict(exc).items():
                column = HEADER.get({"amount_fen": "amount"}.get(field, field), "")
                errors.extend({"line": row.line, "column": column, "message": m} for m in messages)
            continue
        inserted += 1
        seen = last_day.get(account.pk)
        if seen is None or seen[1] < values["day"]:
            last_day[account.pk] = (account, values["day"])
    if not errors:
        from funds.services.warnings import account_evaluate

        # Each account's warnings once, as of its last line (the lookback of large movements
        # covers the file's days).
        for account, day in last_day.values():
            account.refresh_from_db(fields=["balance_fen"])
            account_evaluate(account, today=day)
    return inserted, duplicates, errors


PROGRESS_EVERY = 500


def _progress(record: StatementImport, **counts) -> None:
    # Progress ticks are bookkeeping, not domain data: written without an audit event, and
    # outside the booking transaction, so the job page sees them as they come.
    if record.pk:
        StatementImport.objects.dangerously_unaudited().filter(pk=record.pk).update(**counts)
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
        accounts: dict = {}
        checked = []
        for n, (line, raw) in enumerate(body, start=1):
            checked.append(_check_row(line, raw, bureau_id=record.bureau_id, accounts=accounts))
            if n % PROGRESS_EVERY == 0:
                _progress(record, checked=n)
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
    record = StatementImport.objects.filter(pk=import_id).first()
    if record is None or record.is_finished:
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
