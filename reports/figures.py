"""The figures of a district: what the dashboards, the roll-ups, the summary tables and the
periodic reports show, gathered from the other apps through their selectors only.

One place for both parts of `reports/`: a figure is named by its key everywhere (the
dashboard tile, the roll-up column, the summary row's JSON, an export's column, a report's
placeholder). Every gatherer is set-based: a constant number of grouped queries per app,
whatever the number of districts asked for.

- `district_figures(bureau_ids=…)`: {district id: {key: int}}, every key present (0 when the
  district has no such record), money in fen.
- `monthly_figures(bureau_ids=…, since=…)`: the flows per district and month (the trend).
- `totals(rows)`: the sums of several districts' figures; `with_ratios(figures)`: adds the
  percentages (coverage, campaign progress), computed from the sums, never averaged.
"""

import datetime as dt
import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import selectors as complaint_selectors
from funds import selectors as fund_selectors
from inspections import selectors as inspection_selectors
from institutions import selectors as institution_selectors
from institutions.models import Institution


@dataclass(frozen=True)
class Figure:
    """One figure: its key, its label, its group on the dashboard, its unit ("count", "fen",
    "percent") and the list behind it (URL name and query parameters) when there is one."""

    key: str
    label: object
    group: str
    unit: str = "count"
    link: str = ""
    params: dict = field(default_factory=dict)


GROUPS = {
    "registry": _("Registry"),
    "inspections": _("Inspections"),
    "complaints": _("Tip-offs"),
    "escrow": _("Escrow"),
    "courses": _("Courses"),
}

_INSTITUTIONS = "institutions:institution-list"
_REGISTRY = [
    Figure("institutions", _("Institutions"), "registry", link=_INSTITUTIONS),
    *(
        Figure(f"status_{value}", label, "registry", link=_INSTITUTIONS, params={"status": value})
        for value, label in Institution.Status.choices
    ),
    *(
        Figure(
            f"category_{value}",
            label,
            "registry",
            link=_INSTITUTIONS,
            params={"category": value},
        )
        for value, label in Institution.Category.choices
    ),
    Figure(
        "licensed",
        _("Licensed (valid school-running licence)"),
        "registry",
        link=_INSTITUTIONS,
        params={"licence": "valid"},
    ),
    Figure(
        "licence_expiring",
        _("Licences expiring within 60 days"),
        "registry",
        link=_INSTITUTIONS,
        params={"licence": "expiring"},
    ),
    Figure(
        "white_listed",
        _("On the white list"),
        "registry",
        link=_INSTITUTIONS,
        params={"list": "white"},
    ),
    Figure(
        "black_listed",
        _("On the black list"),
        "registry",
        link=_INSTITUTIONS,
        params={"list": "black"},
    ),
]
_NOTICES = "inspections:notice-list"
_INSPECTIONS = [
    Figure(
        "campaign_planned",
        _("Visits planned in running campaigns"),
        "inspections",
        link="inspections:share-list",
    ),
    Figure(
        "campaign_concluded",
        _("Of which concluded"),
        "inspections",
        link="inspections:share-list",
    ),
    Figure("campaign_progress", _("Campaign progress"), "inspections", unit="percent"),
    Figure("visits", _("Inspection visits"), "inspections", link="inspections:share-list"),
    Figure("personnel_times", _("Personnel-times (人次)"), "inspections"),
    Figure("vehicle_trips", _("Vehicle trips (车次)"), "inspections"),
    Figure("notices_issued", _("Rectification notices issued"), "inspections", link=_NOTICES),
    Figure("notices_open", _("Notices open"), "inspections", link=_NOTICES, params={"open": "1"}),
    Figure(
        "notices_overdue",
        _("Notices overdue"),
        "inspections",
        link=_NOTICES,
        params={"overdue": "1"},
    ),
    Figure(
        "notices_closed",
        _("Notices closed"),
        "inspections",
        link=_NOTICES,
        params={"status": "closed"},
    ),
]
_COMPLAINTS_LIST = "complaints:complaint-list"
_COMPLAINTS = [
    Figure("complaints_received", _("Tip-offs received"), "complaints", link=_COMPLAINTS_LIST),
    Figure(
        "complaints_open",
        _("Tip-offs open"),
        "complaints",
        link=_COMPLAINTS_LIST,
        params={"open": "true"},
    ),
    Figure(
        "complaints_concluded",
        _("Tip-offs concluded"),
        "complaints",
        link=_COMPLAINTS_LIST,
        params={"status": ["concluded", "closed"]},
    ),
    Figure(
        "complaints_overdue",
        _("Tip-offs overdue"),
        "complaints",
        link=_COMPLAINTS_LIST,
        params={"overdue": "true"},
    ),
    Figure("rewards_paid", _("Rewards paid"), "complaints"),
    Figure("rewards_paid_fen", _("Rewards paid (amount)"), "complaints", unit="fen"),
]
_ACCOUNTS = "funds:account-list"
_ESCROW = [
    Figure(
        "escrow_required",
        _("Institutions required to hold an escrow account"),
        "escrow",
        link=_ACCOUNTS,
    ),
    Figure("escrow_covered", _("Of which holding one"), "escrow", link=_ACCOUNTS),
    Figure("escrow_coverage", _("Escrow coverage"), "escrow", unit="percent"),
    Figure("escrow_accounts", _("Escrow accounts"), "escrow", link=_ACCOUNTS),
    Figure("escrow_balance_fen", _("Funds under supervision"), "escrow", unit="fen"),
    Figure(
        "warnings_yellow",
        _("Open yellow warnings"),
        "escrow",
        link="funds:warning-list",
        params={"level": "yellow"},
    ),
    Figure(
        "warnings_red",
        _("Open red warnings"),
        "escrow",
        link="funds:warning-list",
        params={"level": "red"},
    ),
]
_COURSES = [Figure("course_violations", _("Course rule violations"), "courses")]

# The flows counted per month for the trend (the last 12 months).
MONTHLY = {
    "registered": _("Institutions registered"),
    "complaints_received": _("Tip-offs received"),
    "visits": _("Inspection visits"),
    "notices_issued": _("Rectification notices issued"),
}

# Percentages computed from two summed figures: (numerator, denominator).
RATIOS = {
    "campaign_progress": ("campaign_concluded", "campaign_planned"),
    "escrow_coverage": ("escrow_covered", "escrow_required"),
}


def courses_available() -> bool:
    """Whether the courses app (course filing and its rule engine) is installed and offers
    its figures; until it is, the dashboards leave the course group out."""
    if not apps.is_installed("courses"):
        return False
    try:
        module = importlib.import_module("courses.selectors")
    except ImportError:
        return False
    return hasattr(module, "course_figures_by_bureau")


def figures() -> list[Figure]:
    """Every figure shown, in the dashboard's order."""
    found = [*_REGISTRY, *_INSPECTIONS, *_COMPLAINTS, *_ESCROW]
    if courses_available():
        found += _COURSES
    return found


def stored_keys() -> list[str]:
    """The figures that are counted (not computed from others): what a summary row stores."""
    return [f.key for f in figures() if f.key not in RATIOS]


# The figures that move slowly, which a district's own dashboard reads from its summary row
# (refreshed every 15 minutes, "数据截至" shown) rather than live: the course rule violations
# (their rule engine runs nightly anyway). The live ones are those an officer acts on.
SLOW_GROUPS = frozenset({"courses"})


def district_figures(
    *, bureau_ids, today: dt.date | None = None, groups=frozenset(GROUPS)
) -> dict[int, dict]:
    """Every counted figure of each district of `bureau_ids` in `groups` (default: all),
    0 where nothing is recorded. Callers pass districts the user may read (bureaus.scoping);
    the database's row-level security keeps to the same subtree."""
    today = today or timezone.localdate()
    bureau_ids = list(bureau_ids)
    keys = [f.key for f in figures() if f.key not in RATIOS and f.group in groups]
    result = {pk: dict.fromkeys(keys, 0) for pk in bureau_ids}
    gatherers = {
        "registry": institution_selectors.institution_figures_by_bureau,
        "inspections": inspection_selectors.inspection_figures_by_bureau,
        "complaints": complaint_selectors.complaint_figures_by_bureau,
        "escrow": lambda *, bureau_ids, today: fund_selectors.escrow_figures_by_bureau(
            bureau_ids=bureau_ids
        ),
    }
    if courses_available():
        courses = importlib.import_module("courses.selectors")
        gatherers["courses"] = courses.course_figures_by_bureau
    parts = [
        gather(bureau_ids=bureau_ids, today=today)
        for group, gather in gatherers.items()
        if group in groups
    ]
    for part in parts:
        for pk, values in part.items():
            if pk in result:
                result[pk].update({k: v for k, v in values.items() if k in result[pk]})
    return result


def month_starts(today: dt.date, count: int = 12) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _i in range(count):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def monthly_figures(*, bureau_ids, since: dt.date) -> dict[int, dict[dt.date, dict]]:
    """The flows (MONTHLY) of each district per month from `since`: {id: {month: {key: n}}},
    every month and key present."""
    bureau_ids = list(bureau_ids)
    months, month = [], since.replace(day=1)
    last = timezone.localdate().replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    result = {pk: {m: dict.fromkeys(MONTHLY, 0) for m in months} for pk in bureau_ids}
    for part in (
        institution_selectors.institution_monthly_by_bureau(bureau_ids=bureau_ids, since=since),
        complaint_selectors.complaint_monthly_by_bureau(bureau_ids=bureau_ids, since=since),
        inspection_selectors.inspection_monthly_by_bureau(bureau_ids=bureau_ids, since=since),
    ):
        for pk, by_month in part.items():
            for month, values in by_month.items():
                if pk in result and month in result[pk]:
                    result[pk][month].update(values)
    return result


def totals(rows) -> dict:
    """The sum of several districts' counted figures (ratios are recomputed by with_ratios)."""
    total: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            if key not in RATIOS and isinstance(value, int):
                total[key] = total.get(key, 0) + value
    return total


def with_ratios(values: dict) -> dict:
    """The figures with their percentages (None when the denominator is 0)."""
    out = dict(values)
    for key, (numerator, denominator) in RATIOS.items():
        whole = values.get(denominator) or 0
        out[key] = round(100 * (values.get(numerator) or 0) / whole, 1) if whole else None
    return out
