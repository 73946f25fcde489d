"""A bank statement's lines read and checked (the documented format, below), in chunks: each
line becomes a compact tuple for booking (statement_booking) or errors by column.

Columns (header row, in any order):
    账号        the supervised account's number
    交易日期    the booking date (2026-03-02, 2026/3/2, 2026年3月2日 or 20260302)
    交易流水号  the bank's transaction reference (unique per account)
    交易类型    收费入账 / 课消划拨 / 退费 / 存入保证金 / 支取保证金
    金额        in yuan, positive, at most two decimals (the type gives the direction)
    合同编号    the fee record's contract number (收费入账 only)
    摘要        free text, optional

The Python per line is kept small (issue 14, 1,000,000 lines): a cell is parsed once per
distinct value (accounts by their numbers' blind indexes, dates, amounts, types are cached by
the raw text), a plain amount by a precompiled pattern, and the lookups are one query per
chunk (accounts, fee records by contract)."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from bureaus.crypto import blind_index
from core import spreadsheets as sheets
from funds.models import EscrowAccount, FeeRecord, LedgerEntry

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
# Plain strings, not the enum's members: a line's values are written and hashed as they are
# (the audit trail's digest, bureaus.audit.RowsTrail, is of the values the ledger gives back).
KINDS = {
    "收费入账": K.FEE.value,
    "课消划拨": K.RELEASE.value,
    "退费": K.REFUND.value,
    "存入保证金": K.DEPOSIT.value,
    "支取保证金": K.WITHDRAWAL.value,
}
HEADER = {c.key: c.header for c in COLUMNS}
CHUNK = 50_000  # lines checked, then booked, at a time: what bounds the import's memory
_PLAIN_AMOUNT = re.compile(r"(\d{1,15})(?:\.(\d{1,2}))?")
_CACHE_LIMIT = 100_000  # distinct raw values kept per column (dates, amounts)


# One checked line, as booking needs it (plain values in a plain tuple: a chunk is held and
# spooled as these): (line number, account id, day, reference, kind, amount in fen (positive,
# the kind gives the direction), fee record id or None, the fee record's amount (0 without
# one), note).
Line = tuple


def _text(value) -> str:
    """sheets.text, with a CSV's cell (text already) by its strip alone."""
    return value.strip() if type(value) is str else sheets.text(value)


def _fen(value) -> int:
    raw = sheets.text(value).replace(",", "").replace("¥", "")
    amount = Decimal(raw)
    fen = amount * 100
    if amount <= 0 or fen != fen.to_integral_value():
        raise InvalidOperation(raw)
    return int(fen)


def _amount(value) -> int:
    """_fen, with the common case (digits, at most two decimals, as text) by a pattern."""
    if type(value) is str:
        match = _PLAIN_AMOUNT.fullmatch(value.strip())
        if match:
            whole, cents = match.groups()
            fen = int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
            if fen <= 0:
                raise InvalidOperation(value)
            return fen
    return _fen(value)


class LineChecker:
    """Checks a file's lines for one district, chunk by chunk, remembering what it looked up
    (accounts, parsed cells) across chunks."""

    def __init__(self, *, bureau_id: int, positions: dict[str, int]):
        self.bureau_id = bureau_id
        self.positions = positions
        self.width = max(positions.values()) + 1
        self.accounts: dict[str, EscrowAccount | None] = {}  # number → the district's account
        self.by_id: dict[int, EscrowAccount] = {}
        self._numbers: dict = {}  # raw cell → number without spaces
        self._days: dict = {}  # raw cell → date, or the error
        self._amounts: dict = {}  # raw cell → fen, or None when refused

    def chunk(self, rows) -> tuple[list[Line], list[dict]]:
        """Check one chunk of (line number, cells): the lines that pass and the errors, in
        the file's order ({"line", "column", "message"})."""
        self._look_up_accounts(rows)
        checked, pending_fees, errors = [], [], []
        width, p = self.width, self.positions
        at = [p[key] for key in ("account", "day", "reference", "kind", "amount")]
        i_account, i_day, i_reference, i_kind, i_amount = at
        i_note = p.get("note")
        numbers, accounts, days, amounts = self._numbers, self.accounts, self._days, self._amounts
        for line, cells in rows:
            # The common line (text cells whose account, date and amount were parsed before,
            # not a fee) without a call per cell; any other goes through _check, which gives
            # the same values, or the errors.
            if len(cells) >= width:
                account = accounts.get(numbers.get(cells[i_account]))
                day, amount = days.get(cells[i_day]), amounts.get(cells[i_amount])
                kind, ref = cells[i_kind], cells[i_reference]
                note = "" if i_note is None else cells[i_note]
                if (
                    account is not None
                    and amount is not None
                    and day is not None
                    and type(day) is not tuple
                    and type(kind) is str
                    and type(ref) is str
                    and type(note) is str
                ):
                    kind, ref = KINDS.get(kind.strip()), ref.strip()
                    if kind is not None and kind != K.FEE and 0 < len(ref) <= 64:
                        note = note.strip()[:200]
                        checked.append((line, account.id, day, ref, kind, amount, None, 0, note))
                        continue
            values, row_errors = self._check(cells)
            if values[0] is not None and values[3] == K.FEE and values[5]:
                pending_fees.append((line, values, row_errors))
            elif row_errors:
                errors.append((line, row_errors))
            else:
                checked.append(self._line(line, values, None))
        if pending_fees:
            self._fee_lines(pending_fees, checked, errors)
        errors.sort(key=lambda e: e[0])
        return checked, [
            {"line": line, "column": HEADER[key], "message": str(message)}
            for line, row_errors in errors
            for key, message in row_errors
        ]

    def _look_up_accounts(self, rows) -> None:
        """The chunk's account numbers not seen before, in one query (the same refusal
        whether a number is unknown or another district's); a blind index per number, once."""
        index = self.positions["account"]
        fresh = set()
        for _line, cells in rows:
            raw = cells[index] if index < len(cells) else None
            number = self._numbers.get(raw) if type(raw) is str else None
            if number is None:
                number = "".join(sheets.text(raw).split())
                if type(raw) is str:
                    self._numbers[raw] = number
            if number and number not in self.accounts:
                fresh.add(number)
        if not fresh:
            return
        by_index = {blind_index(n): n for n in fresh}
        for number in fresh:
            self.accounts[number] = None
        for account in EscrowAccount.objects.filter(
            bureau_id=self.bureau_id, account_number_index__in=list(by_index)
        ).select_related("institution"):
            self.accounts[by_index[account.account_number_index]] = account
            self.by_id[account.pk] = account

    def _check(self, cells) -> tuple[tuple, list]:
        """(account, day, reference, kind, amount, contract, note) and the errors by column,
        in the order of the columns (the report's order)."""
        p = self.positions
        if len(cells) < self.width:
            cells = list(cells) + [None] * (self.width - len(cells))
        errors = []
        raw = cells[p["account"]]
        number = self._numbers.get(raw) if type(raw) is str else None
        if number is None:
            number = "".join(sheets.text(raw).split())
        account = self.accounts.get(number)
        if account is None:
            errors.append(("account", _("Not a supervised account of this district.")))
        day = self._day(cells[p["day"]], errors)
        reference = cells[p["reference"]]
        reference = reference.strip() if type(reference) is str else sheets.text(reference)
        if not reference:
            errors.append(("reference", _("This column is required.")))
        elif len(reference) > 64:
            errors.append(("reference", _("At most 64 characters.")))
        raw_kind = cells[p["kind"]]
        kind = KINDS.get(raw_kind.strip() if type(raw_kind) is str else sheets.text(raw_kind))
        if kind is None:
            row = sheets.RowResult(0)
            sheets.choice(row, {"kind": raw_kind}, "kind", KINDS)
            errors.extend(row.errors)
        amount = self._amount(cells[p["amount"]], errors)
        contract = _text(cells[p["contract"]]) if "contract" in p else ""
        if kind == K.FEE and not contract:
            errors.append(("contract", _("A fee names its contract number.")))
        note = _text(cells[p["note"]])[:200] if "note" in p else ""
        return (account, day, reference, kind, amount, contract, note), errors

    def _day(self, raw, errors):
        key = raw if type(raw) is str else None
        day = self._days.get(key) if key is not None else None
        if day is None:
            try:
                day = sheets.date(raw)
                if day is None:
                    day = ("day", _("This column is required."))
            except ValueError:
                day = ("day", _("Not a date."))
            if key is not None:
                if len(self._days) > _CACHE_LIMIT:
                    self._days.clear()
                self._days[key] = day
        if type(day) is tuple:
            errors.append(day)
            return None
        return day

    def _amount(self, raw, errors):
        amounts = self._amounts
        if type(raw) is str and raw in amounts:
            fen = amounts[raw]
        else:
            try:
                fen = _amount(raw)
            except (InvalidOperation, ValueError):
                fen = None
            if type(raw) is str:
                if len(amounts) > _CACHE_LIMIT:
                    amounts.clear()
                amounts[raw] = fen
        if fen is None:
            errors.append(("amount", _("A positive amount in yuan with at most two decimals.")))
        return fen

    @staticmethod
    def _line(line, values, record) -> Line:
        account, day, reference, kind, amount, _contract, note = values
        if record is None:
            return (line, account.pk, day, reference, kind, amount, None, 0, note)
        return (line, account.pk, day, reference, kind, amount, record[0], record[1], note)

    def _fee_lines(self, pending, checked, errors) -> None:
        """Fee lines' records by contract number, in one query for the chunk; an unknown
        contract is an error (after the line's other errors)."""
        institutions = {values[0].institution_id for _line, values, _errors in pending}
        contracts = {values[5] for _line, values, _errors in pending}
        records = {
            (institution, contract): (pk, amount)
            for pk, institution, contract, amount in FeeRecord.objects.filter(
                institution_id__in=institutions, contract_number__in=contracts
            ).values_list("pk", "institution_id", "contract_number", "amount_fen")
        }
        for line, values, row_errors in pending:
            record = records.get((values[0].institution_id, values[5]))
            if record is None:
                row_errors.append(("contract", _("No fee record with this contract number.")))
            if row_errors:
                errors.append((line, row_errors))
            else:
                checked.append(self._line(line, values, record))
        checked.sort(key=lambda c: c[0])
