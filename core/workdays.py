"""Working days (工作日) from the calendar table, with the State Council's holidays and 调休
make-up days.

A day without a row in `CalendarDay` (a year the State Council has not published, or nobody
loaded) is reckoned one of two ways:
- for the bureau's own deadlines, Monday–Friday; staff see a warning beside any date that rests
  on such a year (`date_is_guessed`, the `calendar_warning` template filter);
- for a deadline owed TO a citizen (`for_citizen=True`: a reporter's reward claim window), in
  the citizen's favour: besides weekends, every weekday on which a holiday has fallen in any
  year the table knows is counted as a holiday, so a guess can lengthen the window but never
  shorten it.
Either fallback is logged so an operator knows to load the new year.
"""

import datetime as dt
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

_KNOWN_YEARS_KEY = "core:calendar:known-years"
_HOLIDAY_DAYS_KEY = "core:calendar:possible-holidays"

# chinese_calendar's holiday names → the notes kept in the table (data, in Chinese as the
# State Council publishes them).
HOLIDAY_NOTES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _known(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from core.models import CalendarDay

    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_working_day"
        )
    )


# Per process, for a minute: list pages ask once per row.
_local: dict = {}


def known_years() -> frozenset[int]:
    """The years the table holds a full year of days for (cached until the calendar changes,
    and for at most a minute in each process)."""
    hit = _local.get("years")
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    years = cache.get(_KNOWN_YEARS_KEY)
    if years is None:
        from django.db.models import Count
        from django.db.models.functions import ExtractYear

        from core.models import CalendarDay

        years = [
            row["year"]
            for row in CalendarDay.objects.annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(n=Count("date"))
            .filter(n__gte=365)
        ]
        cache.set(_KNOWN_YEARS_KEY, years, 3600)
    _local["years"] = (frozenset(years), time.monotonic() + 60)
    return _local["years"][0]


def date_is_guessed(day: dt.date | None) -> bool:
    """Whether working days up to this date were reckoned without the year's published
    schedule (staff are warned beside such a date)."""
    return day is not None and day.year not in known_years()


def calendar_changed() -> None:
    """Forget what was cached about the table (after loading or editing days)."""
    cache.delete_many([_KNOWN_YEARS_KEY, _HOLIDAY_DAYS_KEY])
    _local.clear()


def _possible_holidays() -> frozenset[tuple[int, int]]:
    """(month, day) pairs that were a weekday holiday in some known year."""
    pairs = cache.get(_HOLIDAY_DAYS_KEY)
    if pairs is None:
        from core.models import CalendarDay

        pairs = sorted(
            {
                (d.month, d.day)
                for d in CalendarDay.objects.filter(is_working_day=False).values_list(
                    "date", flat=True
                )
                if d.weekday() < 5
            }
        )
        cache.set(_HOLIDAY_DAYS_KEY, pairs, 3600)
    return frozenset(tuple(p) for p in pairs)


def _is_working(day: dt.date, known: dict[dt.date, bool], fallback: list, for_citizen=False):
    if day in known:
        return known[day]
    fallback.append(day)
    if day.weekday() >= 5:
        return False
    return not (for_citizen and (day.month, day.day) in _possible_holidays())


def _warn(fallback: list) -> None:
    if fallback:
        logger.warning(
            "working-day calendar has no entry for %s..%s: counted Monday-Friday; "
            "load the State Council schedule (manage.py calendar_load)",
            min(fallback),
            max(fallback),
        )


def add_working_days(start: dt.date, n: int, *, for_citizen: bool = False) -> dt.date:
    """The n-th working day after `start` (the day of receipt itself is not counted).
    `for_citizen`: the deadline is the citizen's, so unknown days are reckoned in their favour."""
    if n <= 0:
        return start
    # Long holidays never hold more than ~9 days off in a row: read a window with room to spare.
    span = n * 2 + 20
    fallback: list = []
    while True:
        known = _known(start, start + dt.timedelta(days=span))
        day, counted = start, 0
        while counted < n and day < start + dt.timedelta(days=span):
            day += dt.timedelta(days=1)
            if _is_working(day, known, fallback, for_citizen):
                counted += 1
        if counted == n:
            _warn(fallback)
            return day
        span *= 2
        fallback.clear()


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative if end < start)."""
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    known = _known(start, end)
    fallback: list = []
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, known, fallback):
            count += 1
    _warn(fallback)
    return count


def is_working_day(day: dt.date) -> bool:
    fallback: list = []
    result = _is_working(day, _known(day, day), fallback)
    _warn(fallback)
    return result


def calendar_rows(year: int) -> list[tuple[dt.date, bool, str]]:
    """The year's days from the chinesecalendar package, or [] if it does not know the year."""
    import chinese_calendar

    rows = []
    day = dt.date(year, 1, 1)
    try:
        while day.year == year:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            working = not on_holiday
            note = ""
            if name:
                label = HOLIDAY_NOTES.get(name, name)
                note = label if on_holiday else f"{label}调休上班"
            rows.append((day, working, note[:50]))
            day += dt.timedelta(days=1)
    except NotImplementedError:
        return []
    return rows


def calendar_load(years) -> dict[int, int]:
    """Write the package's days for these years into the table (existing rows are updated,
    so hand edits for those years are overwritten). Returns rows written per year; a year the
    package does not know writes nothing."""
    from core.models import CalendarDay

    written = {}
    for year in years:
        rows = calendar_rows(year)
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, is_working_day=w, note=n) for d, w, n in rows],
            update_conflicts=True,
            unique_fields=["date"],
            update_fields=["is_working_day", "note"],
        )
        written[year] = len(rows)
    calendar_changed()
    return written
