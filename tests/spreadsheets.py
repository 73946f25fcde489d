"""Workbooks for the import tests: a header row and data rows, as the bytes of an .xlsx file."""

import io

from openpyxl import Workbook


def workbook(headers, rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
