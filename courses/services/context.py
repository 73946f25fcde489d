"""What the rules read for one institution's filing: its province's settings, its city's
vacations and guidance prices, the calendar's rest days and the licence's approved scope."""

import datetime as dt

from django.utils.translation import gettext as _

from core import workdays
from core.models import CalendarDay
from courses.models import GuidancePrice, RuleSetting, SchoolVacation
from courses.rules import Context
from institutions.models import Credential


def city_and_province(district):
    """The district's city and province (either None when the tree is shorter)."""
    city = district.parent
    province = city.parent if city is not None else None
    return city, province


def province_settings(province_id) -> dict[str, tuple[bool, int | None]]:
    if province_id is None:
        return {}
    return {s.rule: (s.enabled, s.limit) for s in RuleSetting.objects.filter(bureau_id=province_id)}


def city_prices(city_id) -> dict[tuple[str, int], int]:
    if city_id is None:
        return {}
    return {
        (p.subject, p.grade): p.max_fen_per_hour
        for p in GuidancePrice.objects.filter(bureau_id=city_id)
    }


def vacations_for(city_id, province_id, years) -> list[tuple[dt.date, dt.date, str]]:
    """The city's vacations of these years; for a (year, kind) the city did not enter, the
    province's."""
    rows = SchoolVacation.objects.filter(
        bureau_id__in=[b for b in (city_id, province_id) if b is not None], year__in=years
    )
    chosen = {}
    for row in rows:
        key = (row.year, row.kind)
        if key not in chosen or row.bureau_id == city_id:
            chosen[key] = row
    return [(v.first_day, v.last_day, v.get_kind_display()) for v in chosen.values()]


def rest_days_between(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Days the calendar table marks as not working (weekends and holidays), with why."""
    return {
        day: note or _("rest day")
        for day, note in CalendarDay.objects.filter(
            date__gte=first, date__lte=last, is_working_day=False
        ).values_list("date", "note")
    }


def licence_scope(institution) -> str | None:
    scopes = list(
        Credential.objects.filter(
            institution=institution, kind=Credential.Kind.SCHOOL_LICENCE
        ).values_list("scope", flat=True)
    )
    scopes = [s for s in scopes if s.strip()]
    return "；".join(scopes) if scopes else None


def rule_context(*, institution, days) -> Context:
    """The context of the rules for this institution's sessions on `days`."""
    city, province = city_and_province(institution.bureau)
    city_id = city.pk if city else None
    province_id = province.pk if province else None
    days = sorted(set(days))
    years = {d.year for d in days}
    return Context(
        settings=province_settings(province_id),
        rest_days=rest_days_between(days[0], days[-1]) if days else {},
        known_years=workdays.known_years(),
        vacations=vacations_for(city_id, province_id, years) if years else [],
        prices=city_prices(city_id),
        licence_scope=licence_scope(institution),
    )
