"""Workbooks the registry hands out: the survey template, an import's error report and the
export of a filtered list (formula-safe, no personal data)."""

from django.core.files.storage import default_storage
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import (
    REPORT_ERROR_HEADER,
    REPORT_LINE_HEADER,
    FileRefused,
    body_rows,
    check_header,
    choice_validation,
    read_rows,
    safe_append,
    workbook_bytes,
    write_only_workbook,
)
from institutions import rules
from institutions.importing.columns import (
    AUDIENCE,
    CATEGORY_LABEL,
    COLUMNS,
    DELIVERY_LABEL,
    FORM_LABEL,
    PROFIT_LABEL,
    STATUS_LABEL,
)
from institutions.models import ImportJob

EXAMPLE_CODE = "91350100M000100Y43"  # the standard's published example


def template_workbook() -> bytes:
    """The survey template: Chinese headers, one example row, and the allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "机构"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "西湖书画艺术培训有限公司",
            EXAMPLE_CODE,
            "文化艺术",
            "公司",
            "营利",
            "线下",
            "义务教育",
            "正常",
            "",
            "文三路100号3楼",
            "王老师",
            "13800138000",
            "教民133010670000012号",
            "杭州市西湖区教育局",
            "2024-03-01",
            "2027-02-28",
            "书法、国画",
            EXAMPLE_CODE,
        ]
    )
    for column, width in zip(
        "ABCDEFGHIJKLMNOPQR",
        (30, 22, 10, 14, 10, 10, 16, 10, 12, 30, 10, 14, 24, 20, 12, 12, 20, 22),
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "是否必填", "可填写的值"])
    allowed = {
        "category": "、".join(CATEGORY_LABEL.values()),
        "organization_form": "、".join(FORM_LABEL.values()) + "（默认公司）",
        "profit": "营利、非营利（默认营利）",
        "delivery": "线下、线上（默认线下）",
        "audience": "学龄前、义务教育、高中，可填多个，用顿号分隔",
        "status": "、".join(STATUS_LABEL.values()),
        "credit_code": "18位，校验位按 GB 32100-2015 检查；再次导入时按此代码更新，不会重复",
        "licence_issued_on": "日期，如 2025-06-30",
        "licence_expires_on": "日期，如 2028-06-29；长期有效可不填",
        "street": "本区街道名称",
    }
    for column in COLUMNS:
        notes.append(
            [column.header, "必填" if column.required else "", allowed.get(column.key, "")]
        )
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["C"].width = 70
    _choice_validations(workbook, sheet)
    return workbook_bytes(workbook)


# Drop-downs of the template (and of an error report): the words each choice column accepts.
CHOICE_COLUMNS = {
    "category": CATEGORY_LABEL,
    "organization_form": FORM_LABEL,
    "profit": PROFIT_LABEL,
    "delivery": DELIVERY_LABEL,
    "status": STATUS_LABEL,
}


def _choice_validations(workbook, sheet):
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in CHOICE_COLUMNS:
            letter = get_column_letter(index)
            choice_validation(workbook, sheet, letter, CHOICE_COLUMNS[column.key].values())


def error_workbook(job: ImportJob) -> bytes:
    """The error report of an import: the rows that were refused, as they were uploaded, in the
    template's columns, with the row's line in the file and the reasons last. Fixed in place,
    it is uploaded again as it is (the header check passes over the two added columns), and
    rows already imported are not in it. When the uploaded file is gone, one line per problem
    (row, column, reason)."""
    by_line: dict[int, list[str]] = {}
    for e in job.errors:
        by_line.setdefault(e["row"], []).append(f"{e['column']}：{e['reason']}")
    original = _original_rows(job)
    if original is None:
        return write_only_workbook(
            "错误报告",
            ["行号", "列", "原因"],
            ([e["row"], e["column"], e["reason"]] for e in job.errors),
        )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "机构"
    sheet.append([c.header for c in COLUMNS] + [REPORT_LINE_HEADER, REPORT_ERROR_HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line, raw in original:
        if line not in by_line:
            continue
        values = [_cell(raw.get(c.key)) for c in COLUMNS]
        safe_append(sheet, [*values, line, "；".join(by_line[line])])
    error_column = get_column_letter(len(COLUMNS) + 2)
    sheet.column_dimensions[error_column].width = 60
    for row in sheet.iter_rows(min_row=2, min_col=len(COLUMNS) + 2):
        for cell in row:
            cell.font = Font(color="B3261E")
    _choice_validations(workbook, sheet)
    return workbook_bytes(workbook)


def _original_rows(job):
    """The uploaded file's rows as (line, {key: cell}), or None when it cannot be read again."""
    try:
        with default_storage.open(job.file, "rb") as f:
            data = f.read()
        kind = "csv" if job.file.endswith(".csv") else "xlsx"
        rows = read_rows(data, kind)
        return body_rows(rows, check_header(rows[0], COLUMNS))
    except (OSError, FileRefused, IndexError, ValueError):
        return None


def _cell(value):
    # Calamine reads every number as a float: a phone or a licence number keeps its digits.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


EXPORT_HEADER = [
    "机构名称",
    "统一社会信用代码",
    "类别",
    "组织形式",
    "营利性质",
    "培训方式",
    "培训对象",
    "状态",
    "所在街道",
    "地址",
    "办学许可证有效期至",
    "白名单",
    "黑名单",
    "规则提示",
    "所属教育局",
]


def export_workbook(institutions) -> bytes:
    """A filtered list of institutions as .xlsx (no personal data: phones are left out)."""

    def rows():
        for i in institutions.iterator(chunk_size=2000):
            yield [
                i.name,
                i.credit_code,
                CATEGORY_LABEL.get(i.category, i.category),
                FORM_LABEL.get(i.organization_form, ""),
                PROFIT_LABEL.get(i.profit, ""),
                DELIVERY_LABEL.get(i.delivery, ""),
                "、".join(k for k, attr in AUDIENCE.items() if getattr(i, attr)),
                STATUS_LABEL.get(i.status, i.status),
                i.street.name if i.street_id else "",
                i.address,
                getattr(i, "licence_expires_on", None),
                "是" if getattr(i, "on_white", False) else "",
                "是" if getattr(i, "on_black", False) else "",
                "；".join(str(x) for x in rules.labels(i.warning_codes)),
                i.bureau.name,
            ]

    return write_only_workbook("机构", EXPORT_HEADER, rows())
