"""Formula-safe writers: a written cell whose text starts with "=" is stored as text, never
as a live formula (CSV/Excel formula injection); exports and templates go out as downloads."""

import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.spreadsheets.reading import XLSX_MIME

CHOICES_SHEET = "可选值"


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
