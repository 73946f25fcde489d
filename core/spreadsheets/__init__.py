"""Reading and writing spreadsheets that people fill in: the file checks, the header spec, the
cell parsers and the formula-safe writers shared by every import and export (the survey import
of institutions, bank statements, timetables).

Guarantees:
- A file is refused as a whole (`FileRefused`, a Chinese message for the uploader) when it is
  not what its name claims, too large, unreadable or has the wrong headers (`reading`).
- A written cell whose text starts with "=" is stored as text, never as a live formula
  (CSV/Excel formula injection) (`writing`).

Callers import from here (`from core import spreadsheets as sheets`); the modules are its
three parts: `reading`, `cells` (parsers), `writing`.
"""

from core.spreadsheets.cells import DATE_FORMATS, RowResult, choice, date, text
from core.spreadsheets.reading import (
    REPORT_ERROR_HEADER,
    REPORT_HEADERS,
    REPORT_LINE_HEADER,
    XLSX_MIME,
    Column,
    FileRefused,
    StoredUpload,
    body_rows,
    check_file,
    check_header,
    check_large_file,
    count_lines,
    csv_encoding,
    iter_rows,
    read_rows,
)
from core.spreadsheets.writing import (
    CHOICES_SHEET,
    choice_validation,
    safe_append,
    text_cells,
    workbook_bytes,
    write_only_workbook,
    xlsx_response,
)

__all__ = [
    "CHOICES_SHEET",
    "DATE_FORMATS",
    "REPORT_ERROR_HEADER",
    "REPORT_HEADERS",
    "REPORT_LINE_HEADER",
    "XLSX_MIME",
    "Column",
    "FileRefused",
    "RowResult",
    "StoredUpload",
    "body_rows",
    "check_file",
    "check_header",
    "check_large_file",
    "choice",
    "choice_validation",
    "count_lines",
    "csv_encoding",
    "date",
    "iter_rows",
    "read_rows",
    "safe_append",
    "text",
    "text_cells",
    "workbook_bytes",
    "write_only_workbook",
    "xlsx_response",
]
