"""Timetables from .xlsx (by staff or the institution): one session per row, rows of one course
name form one course, filed through course_submit. Every row's errors are reported at once
(line, column, reason); when any row or any course is refused, nothing is written."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import spreadsheets as sheets
from courses.models import GRADE_CHOICES, Course, Subject
from courses.services import filing
from institutions.models import Site

MAX_BYTES = 2 * 1024 * 1024

COLUMNS = [
    sheets.Column("name", "课程名称", True),
    sheets.Column("subject", "科目", True),
    sheets.Column("grades", "年级", True),
    sheets.Column("delivery", "授课方式", True),
    sheets.Column("site", "教学点"),
    sheets.Column("day", "日期", True),
    sheets.Column("starts_at", "开始时间", True),
    sheets.Column("ends_at", "结束时间", True),
    sheets.Column("lesson_minutes", "每课时分钟", True),
    sheets.Column("price", "课时单价(元)", True),
]
HEADERS = {c.key: c.header for c in COLUMNS}


@dataclass
class ImportOutcome:
    """What an import did: the courses filed, or the errors (then nothing was written)."""

    courses: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line, column header, reason)


def _label_map(choices) -> dict:
    """Cell text → stored value: the Chinese label, the stored value, or the label's Chinese
    part ("数学" for "Mathematics (数学)")."""
    found = {}
    for value, label in choices:
        label = str(label)
        found[value] = value
        found[label] = value
        if "(" in label and label.endswith(")"):
            found[label[label.index("(") + 1 : -1]] = value
    return found


SUBJECTS = _label_map(Subject.choices)
DELIVERIES = {
    "线下": Course.Delivery.OFFLINE,
    "线上直播": Course.Delivery.ONLINE_LIVE,
    "线上录播": Course.Delivery.ONLINE_RECORDED,
    **{v: v for v in Course.Delivery.values},
}


def _time(value) -> dt.time:
    """A time from a cell (a time, a fraction of a day, or "HH:MM"); ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, float) and 0 <= value < 1:
        total = round(value * 24 * 60)
        return dt.time(total // 60, total % 60)
    hours, minutes = sheets.text(value).replace("：", ":").split(":")[:2]
    return dt.time(int(hours), int(minutes))  # 25:00 raises ValueError


def _grades(value) -> list[int]:
    valid = {g for g, _label in GRADE_CHOICES}
    grades = sorted({int(p) for p in sheets.text(value).replace("，", ",").split(",") if p.strip()})
    if not grades or any(g not in valid for g in grades):
        raise ValueError(value)
    return grades


def _row(line, raw, sites) -> sheets.RowResult:
    row = sheets.RowResult(line=line)
    values = row.values
    values["name"] = sheets.text(raw.get("name"))[:200]
    if not values["name"]:
        row.error("name", _("This column is required."))
    values["subject"] = sheets.choice(row, raw, "subject", SUBJECTS)
    values["delivery"] = sheets.choice(row, raw, "delivery", DELIVERIES)
    try:
        values["grades"] = _grades(raw.get("grades"))
    except ValueError:
        row.error("grades", _("Grades are numbers 0 (pre-school) to 12, separated by commas."))
    address = sheets.text(raw.get("site"))
    values["site"] = None
    if address:
        values["site"] = sites.get(address)
        if values["site"] is None:
            row.error(
                "site", _("“%(site)s” is not one of the institution's sites.") % {"site": address}
            )
    elif values.get("delivery") == Course.Delivery.OFFLINE:
        row.error("site", _("An offline course is taught at one of the institution's sites."))
    try:
        values["day"] = sheets.date(raw.get("day"))
        if values["day"] is None:
            row.error("day", _("This column is required."))
    except ValueError:
        row.error("day", _("“%(value)s” is not a date.") % {"value": sheets.text(raw.get("day"))})
    times = {}
    for key in ("starts_at", "ends_at"):
        try:
            times[key] = _time(raw.get(key))
        except (ValueError, TypeError):
            row.error(
                key,
                _("“%(value)s” is not a time of day (HH:MM, 00:00–23:59).")
                % {"value": sheets.text(raw.get(key))},
            )
    if len(times) == 2 and times["ends_at"] <= times["starts_at"]:
        row.error("ends_at", _("The end is not after the start."))
    values.update(times)
    try:
        values["lesson_minutes"] = int(sheets.text(raw.get("lesson_minutes")))
        if values["lesson_minutes"] <= 0:
            raise ValueError
    except ValueError:
        row.error("lesson_minutes", _("Enter a number greater than zero."))
    try:
        price = float(sheets.text(raw.get("price")))
        if price < 0:
            row.error("price", _("A price cannot be negative."))
        values["price_per_hour_fen"] = round(price * 100)
    except ValueError:
        row.error("price", _("Enter an amount in yuan."))
    return row


COURSE_KEYS = ("subject", "grades", "delivery", "site", "lesson_minutes", "price_per_hour_fen")


def timetable_import(*, actor, institution, upload) -> ImportOutcome:
    """Read the file; when every row reads and every course passes the rules, file the courses
    (course_submit); otherwise write nothing and return every error. FileRefused for a file
    that is not a timetable at all."""
    kind = sheets.check_file(upload, max_bytes=MAX_BYTES)
    rows = sheets.read_rows(upload.read(), kind)
    if not rows:
        raise sheets.FileRefused(_("The file is empty."))
    positions = sheets.check_header(rows[0], COLUMNS)
    sites = {s.address: s for s in Site.objects.filter(institution=institution)}
    outcome = ImportOutcome()
    courses: dict[str, list] = {}
    for line, raw in sheets.body_rows(rows, positions):
        row = _row(line, raw, sites)
        for key, reason in row.errors:
            outcome.errors.append((line, HEADERS[key], reason))
        if not row.errors:
            courses.setdefault(row.values["name"], []).append(row)
    for course_rows in courses.values():
        first = course_rows[0].values
        for row in course_rows[1:]:
            for key in COURSE_KEYS:
                if row.values[key] != first[key]:
                    outcome.errors.append(
                        (
                            row.line,
                            HEADERS.get(key, HEADERS["price"]),
                            _("Differs from the course's first row (line %(line)s).")
                            % {"line": course_rows[0].line},
                        )
                    )
    if outcome.errors or not courses:
        if not courses and not outcome.errors:
            outcome.errors.append((1, "", _("The file has no sessions.")))
        return outcome
    try:
        with transaction.atomic():
            for name, course_rows in courses.items():
                first = course_rows[0].values
                try:
                    course = filing.course_submit(
                        actor=actor,
                        institution=institution,
                        name=name,
                        class_hours=len(course_rows),
                        sessions=[
                            {k: r.values[k] for k in ("day", "starts_at", "ends_at")}
                            for r in course_rows
                        ],
                        **{k: first[k] for k in COURSE_KEYS},
                    )
                except ValidationError as exc:
                    for messages in exc.message_dict.values():
                        for message in messages:
                            outcome.errors.append(
                                (course_rows[0].line, HEADERS["name"], f"{name}：{message}")
                            )
                    continue
                outcome.courses.append(course)
            if outcome.errors:
                raise _Rollback
    except _Rollback:
        outcome.courses = []
    return outcome


class _Rollback(Exception):
    """Undo the courses filed so far: one refused course refuses the whole file."""
