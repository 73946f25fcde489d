"""Reading what people upload: the whole-file checks, reading a workbook or CSV into rows
(whole, or streamed for files too large to hold: bank statements), and the header spec.

A file is refused as a whole (`FileRefused`, a Chinese message for the uploader) when it is
not what its name claims, too large, unreadable or has the wrong headers.
"""

import csv
import io
from dataclasses import dataclass
from typing import NamedTuple

import magic
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from core import uploads
from core.spreadsheets.cells import text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Columns an error report adds after the template's (the row's place in the uploaded file and
# what is wrong with it): a corrected report is uploaded again as it is, so the header check
# passes over them.
REPORT_LINE_HEADER = "原文件行号"
REPORT_ERROR_HEADER = "错误原因"
REPORT_HEADERS = frozenset({REPORT_LINE_HEADER, REPORT_ERROR_HEADER})


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
