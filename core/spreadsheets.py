"""Reading and writing spreadsheets that people fill in: the file checks, the header spec, the
cell parsers and the formula-safe writers shared by every import and export (the survey import
of institutions today; bank statements and timetables next).

Guarantees:
- A file is refused as a whole (`FileRefused`, a Chinese message for the uploader) when it is
  not what its name claims, too large, unreadable or has the wrong headers.
- A written cell whose text starts with "=" is stored as text, never as a live formula
  (CSV/Excel formula injection).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import NamedTuple

import magic
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineWorkbook

from core import uploads

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Columns an error report adds after the template's (the row's place in the uploaded file and
# what is wrong with it): a corrected report is uploaded again as it is, so the header check
# passes over them.
REPORT_LINE_HEADER = "原文件行号"
REPORT_ERROR_HEADER = "错误原因"
REPORT_HEADERS = frozenset({REPORT_LINE_HEADER, REPORT_ERROR_HEADER})
CHOICES_SHEET = "可选值"
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class FileRefused(Exception):
    """The whole file is refused; the message says why, in Chinese, for the uploader."""


class Column(NamedTuple):
    """One column of a template: its key in the code, its header in the file, and whether a
    row must fill it."""

    key: str
    header: str
    required: bool = False


# --- file checks -------------------------------------------------------------------------


def check_file(upload, *, max_bytes: int) -> str:
    """Refuse a file that is too large, of the wrong type or whose content does not match its
    extension; returns the kind ("xlsx" or "csv")."""
    name = (upload.name or "").lower()
    kind = name.rsplit(".", 1)[-1] if "." in name else ""
    if kind not in ("xlsx", "csv"):
        raise FileRefused(_("Upload an .xlsx or .csv file made from the template."))
    if upload.size > max_bytes:
        raise FileRefused(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": round(max_bytes / 1024 / 1024, 1)}
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    mime = magic.from_buffer(head, mime=True)
    if kind == "xlsx" and mime not in ("application/zip", XLSX_MIME, "application/octet-stream"):
        raise FileRefused(
            _("This file is not an Excel workbook, whatever its name says (%(mime)s).")
            % {"mime": mime}
        )
    if kind == "xlsx" and not head.startswith(b"PK"):
        raise FileRefused(_("This file is not an Excel workbook, whatever its name says."))
    if kind == "csv" and not (mime.startswith("text/") or mime in ("application/csv",)):
        raise FileRefused(
            _("This file is not a CSV text file, whatever its name says (%(mime)s).")
            % {"mime": mime}
        )
    uploads.check_upload(upload, kinds={kind}, max_bytes=max_bytes, error=FileRefused)
    return kind


@dataclass
class StoredUpload:
    """A file already read into memory (e.g. from storage), shaped like an upload for
    `check_file`."""

    name: str
    data: bytes

    @property
    def size(self):
        return len(self.data)

    def seek(self, pos):
        self._pos = pos

    def read(self, n=-1):
        return self.data if n < 0 else self.data[:n]


# --- reading -----------------------------------------------------------------------------


def read_rows(data: bytes, kind: str) -> list[list]:
    """All rows of the first sheet (or the CSV), header first; a corrupt file is refused."""
    if kind == "csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileRefused(_("The CSV file is neither UTF-8 nor GBK text."))
        return list(csv.reader(io.StringIO(text)))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise FileRefused(
            _(
                "The Excel file cannot be read; it may be damaged. Save it again from Excel "
                "or start from the template."
            )
        ) from exc


# --- streaming (files too large to hold whole: bank statements) ----------------------------

CHUNK_BYTES = 1024 * 1024
HEAD_BYTES = 64 * 1024


def _raw(upload):
    """The binary file under an upload or a stored file (Django's File wraps one)."""
    return getattr(upload, "file", upload)


def check_large_file(upload, *, max_bytes: int, xlsx_max_bytes: int) -> str:
    """`check_file` for files up to `max_bytes` that are never read whole: a CSV is checked
    on its first 64 kB as `check_file` checks a whole file (type by content, no SVG, no NUL),
    then read once more in 1 MB chunks for NUL characters and its encoding (`csv_encoding`);
    an .xlsx, which is read whole, keeps `xlsx_max_bytes`. Returns the kind."""
    name = (upload.name or "").lower()
    if not name.endswith(".csv"):
        return check_file(upload, max_bytes=xlsx_max_bytes)
    if upload.size > max_bytes:
        check_file(upload, max_bytes=max_bytes)  # the same refusal as any oversized file
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = check_file(StoredUpload(upload.name, head), max_bytes=max_bytes)
    csv_encoding(upload)
    return kind


def csv_encoding(upload) -> str:
    """The CSV's encoding (UTF-8, else GBK/GB18030), decided over the whole file in 1 MB chunks
    (memory stays bounded); a NUL character or other bytes refuse the file."""
    import codecs

    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        source = _raw(upload)
        source.seek(0)
        try:
            while chunk := source.read(CHUNK_BYTES):
                if b"\x00" in chunk:
                    raise FileRefused(_not_text(upload))
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            source.seek(0)
        return encoding
    raise FileRefused(_("The CSV file is neither UTF-8 nor GBK text."))


def _not_text(upload) -> str:
    return _("“%(name)s” is not a text file.") % {"name": (upload.name or "")[-60:]}


def iter_rows(upload, kind: str):
    """The rows of the first sheet (or the CSV), header first, one at a time: a CSV is read as
    a text stream (memory bounded by a line, whatever the file's size); an .xlsx is read whole
    (`read_rows`, under its own smaller cap). A corrupt file is refused."""
    if kind != "csv":
        source = _raw(upload)
        source.seek(0)
        yield from read_rows(source.read(), kind)
        return
    encoding = csv_encoding(upload)
    source = _raw(upload)
    source.seek(0)
    stream = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        yield from csv.reader(stream)
    except csv.Error as exc:
        raise FileRefused(_not_text(upload)) from exc
    finally:
        stream.detach()  # the upload stays open for its owner


def count_lines(upload, kind: str) -> int:
    """How many rows follow the header, for progress: a CSV's line breaks counted in 1 MB
    chunks (a quoted line break counts too: an estimate), an .xlsx's sheet height."""
    source = _raw(upload)
    source.seek(0)
    if kind != "csv":
        return max(len(read_rows(source.read(), kind)) - 1, 0)
    count, last = 0, b"\n"
    while chunk := source.read(CHUNK_BYTES):
        count += chunk.count(b"\n")
        last = chunk[-1:]
    source.seek(0)
    return max(count + (last != b"\n") - 1, 0)


def check_header(header_row, columns: list[Column]) -> dict[str, int]:
    """Column positions by key; wrong or missing headers refuse the file."""
    by_header = {c.header: c.key for c in columns}
    found = {}
    unknown = []
    for index, cell in enumerate(header_row):
        text = str(cell or "").strip()
        if not text or text in REPORT_HEADERS:
            continue
        if text in by_header:
            found[by_header[text]] = index
        else:
            unknown.append(text)
    missing = [c.header for c in columns if c.key not in found]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(c)s") % {"c": "、".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(c)s") % {"c": "、".join(unknown)})
        raise FileRefused(
            _(
                "The headers do not match the template (%(detail)s). Download the template and "
                "copy your data into it."
            )
            % {"detail": "；".join(parts)}
        )
    return found


def body_rows(rows: list[list], positions: dict[str, int]) -> list[tuple[int, dict]]:
    """The non-empty rows after the header as (line number in the file, {key: cell})."""
    width = max(positions.values()) + 1
    body = []
    for i, cells in enumerate(rows[1:]):
        if not any(text(c) for c in cells):
            continue
        cells = list(cells) + [None] * (width - len(cells))
        body.append((i + 2, {key: cells[index] for key, index in positions.items()}))
    return body


# --- cell parsers ------------------------------------------------------------------------


def text(value) -> str:
    """A cell as text: an integral number without ".0", a date-time as its date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def date(value):
    """A date from a cell; None when empty; raises ValueError when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


@dataclass
class RowResult:
    """One checked row: the values read from it and its errors as (column key, reason)."""

    line: int
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def error(self, key, reason):
        self.errors.append((key, reason))


def choice(row: RowResult, raw: dict, key: str, mapping: dict, default=None):
    """The stored value of a cell that must be one of `mapping`'s labels; an empty cell is
    `default` (an error when there is none)."""
    label = text(raw.get(key))
    if not label:
        if default is None:
            row.error(key, _("This column is required."))
        return default
    if label not in mapping:
        row.error(
            key,
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": label, "choices": "、".join(dict.fromkeys(mapping))},
        )
        return default
    return mapping[label]


# --- writing -----------------------------------------------------------------------------


def text_cells(sheet, values) -> list:
    """Cells whose text is never read as a formula: openpyxl stores a string starting with "="
    as one, and a name typed as "=HYPERLINK(…)" must not become a live link (CSV injection)."""
    cells = []
    for value in values:
        if isinstance(value, str):
            # A control character stored before input was checked must not break the file.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def safe_append(sheet, values) -> None:
    """`sheet.append` for an ordinary (not write-only) sheet, formula-safe like `text_cells`."""
    clean = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
    sheet.append(clean)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def choice_validation(workbook: Workbook, sheet, column: str, values, *, rows: int = 5000):
    """A drop-down of `values` on `column` (a letter) of `sheet`, rows 2…`rows`: the values are
    listed on a hidden sheet (no 255-character limit), and another value is refused by Excel
    with a Chinese message."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if CHOICES_SHEET in workbook.sheetnames:
        choices = workbook[CHOICES_SHEET]
    else:
        choices = workbook.create_sheet(CHOICES_SHEET)
        choices.sheet_state = "hidden"
    values = list(values)
    letter = get_column_letter(choices.max_column + 1 if choices["A1"].value else 1)
    for row, value in enumerate(values, start=1):
        choices[f"{letter}{row}"] = value
    validation = DataValidation(
        type="list",
        formula1=f"'{CHOICES_SHEET}'!${letter}$1:${letter}${len(values)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="填写有误",
        error="请从下拉列表中选择。",
    )
    sheet.add_data_validation(validation)
    validation.add(f"{column}2:{column}{rows}")
    return validation


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_only_workbook(title: str, header: list, rows) -> bytes:
    """One sheet: a header and formula-safe rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for values in rows:
        sheet.append(text_cells(sheet, values))
    return workbook_bytes(workbook)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook as a download."""
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
