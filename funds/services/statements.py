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
from django.db import transaction
from django.utils.translation import gettext as _

from bureaus.crypto import blind_index
from core import spreadsheets as sheets
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
                )
        except ValidationError as exc:
            for field, messages in error_dict(exc).items():
                column = HEADER.get({"amount_fen": "amount"}.get(field, field), "")
                errors.extend({"line": row.line, "column": column, "message": m} for m in messages)
            continue
        inserted += 1
    return inserted, duplicates, errors


def statement_import(*, actor, bureau, upload) -> StatementImport:
    """Import one statement file for the district; returns the import with its report."""
    check_actor(actor, StatementImport(bureau=bureau), "statementimport.change")
    record = StatementImport(bureau=bureau, original_name=(upload.name or "")[:200])
    try:
        kind = sheets.check_file(upload, max_bytes=MAX_BYTES)
        upload.seek(0)
        rows = sheets.read_rows(upload.read(), kind)
        if not rows:
            raise sheets.FileRefused(_("The file is empty."))
        positions = sheets.check_header(rows[0], COLUMNS)
        body = sheets.body_rows(rows, positions)
        record.lines = len(body)
        accounts: dict = {}
        checked = [
            _check_row(line, raw, bureau_id=bureau.pk, accounts=accounts) for line, raw in body
        ]
        errors = [
            {"line": r.line, "column": HEADER[key], "message": str(message)}
            for r in checked
            for key, message in r.errors
        ]
        if errors:
            raise _Refused(errors)
        with transaction.atomic():
            inserted, duplicates, errors = _book(checked, actor=actor)
            if errors:
                raise _Refused(errors)
        record.state = StatementImport.State.DONE
        record.inserted, record.duplicates = inserted, duplicates
    except sheets.FileRefused as exc:
        record.state = StatementImport.State.REFUSED
        record.errors = [{"line": 0, "column": "", "message": str(exc)}]
    except _Refused as exc:
        record.state = StatementImport.State.REFUSED
        record.errors = exc.errors
    record.save()
    return record
