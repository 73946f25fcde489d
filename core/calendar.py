"""The platform operator keeps the working-day calendar: a year is entered as the State Council
publishes it (its holidays and 调休 make-up working days); every other day follows the week."""

import datetime as dt
import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import workdays
from core.models import CalendarDay

logger = logging.getLogger(__name__)

# One exception per line: "2027-02-06 休 春节" or "2027-02-14 班 春节调休上班".
_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(休|班)\s*(.*)$")


def calendar_may_edit(user) -> bool:
    """Only the platform operator edits the national calendar (no bureau role may)."""
    return bool(getattr(user, "is_superuser", False))


def calendar_parse(text: str, *, year: int) -> list[tuple[dt.date, bool, str]]:
    """The exceptions typed on the calendar page; errors name the line."""
    days, errors = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        try:
            day = dt.date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            day = None
        if day is None:
            errors.append(
                _("Line %(n)s: write “YYYY-MM-DD 休 note” or “YYYY-MM-DD 班 note”.") % {"n": number}
            )
            continue
        if day.year != year:
            errors.append(
                _("Line %(n)s: %(day)s is not in %(year)s.")
                % {"n": number, "day": day, "year": year}
            )
            continue
        days.append((day, match.group(2) == "班", match.group(3).strip()[:50]))
    if errors:
        raise ValidationError({"exceptions": errors})
    return days


@transaction.atomic
def calendar_year_set(*, actor, year: int, exceptions: list[tuple[dt.date, bool, str]]) -> int:
    """Write every day of `year`: the listed holidays and make-up working days, Monday–Friday
    for the rest. Replaces what the table held for that year; returns the days written."""
    if not calendar_may_edit(actor):
        raise PermissionDenied
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})
    special = {day: (working, note) for day, working, note in exceptions}
    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        working, note = special.get(day, (day.weekday() < 5, ""))
        rows.append(CalendarDay(date=day, is_working_day=working, note=note))
        day += dt.timedelta(days=1)
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(rows)
    workdays.calendar_changed()
    logger.info("calendar %s set by %s: %s exceptions", year, actor, len(special))
    return len(rows)


@transaction.atomic
def calendar_year_load(*, actor, year: int) -> int:
    """Load a year from the chinesecalendar package, if it knows it (0 otherwise)."""
    if not calendar_may_edit(actor):
        raise PermissionDenied
    return workdays.calendar_load([year])[year]


def calendar_year_exceptions(year: int) -> list[CalendarDay]:
    """The days of a year that differ from Monday–Friday (holidays, make-up days)."""
    return [
        d
        for d in CalendarDay.objects.filter(date__year=year)
        if d.is_working_day != (d.date.weekday() < 5) or d.note
    ]
