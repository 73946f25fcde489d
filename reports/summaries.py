"""The summary table behind the roll-ups: its refresh (a periodic job) and its reads.

Refresh, incrementally where it can be:
- The first run of a day recomputes every district (figures that depend on the date, such as
  overdue tip-offs and expiring licences, change with no write).
- Later runs that day recompute only the districts with a write since the last run (the audit
  trail records every write with its district, bureaus.audit).
- A past month's flows are computed once, when its row is first missing; the month just ended
  is recomputed with the current one (late entries), older ones never again.
The figures are gathered set-based (reports.figures), a constant number of grouped queries for
any number of districts, and written with one upsert.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from bureaus import audit
from bureaus.models import Bureau
from reports import figures
from reports.models import DistrictSummary

TREND_MONTHS = 12


def _previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def summary_refresh(*, today: dt.date | None = None, full: bool = False) -> dict:
    """Bring the summary rows of every district up to date (see the module's docstring).
    Idempotent: a second run with no write in between recomputes nothing but the clock.
    Runs with row-level security lifted by its caller (the task: platform job)."""
    now = timezone.now()
    today = today or timezone.localdate()
    month = today.replace(day=1)
    months = figures.month_starts(today, TREND_MONTHS)
    districts = list(Bureau.objects.filter(level="district").values_list("pk", flat=True))
    last = DistrictSummary.objects.filter(month=month).aggregate(last=Min("refreshed_at"))["last"]
    stale_day = last is None or timezone.localtime(last).date() != today
    if full or stale_day:
        changed = set(districts)
    else:
        changed = audit.bureaus_written_since(last) & set(districts)
        have = set(DistrictSummary.objects.filter(month=month).values_list("bureau_id", flat=True))
        changed |= set(districts) - have
    stored = {
        (b, m)
        for b, m in DistrictSummary.objects.filter(month__gte=months[0]).values_list(
            "bureau_id", "month"
        )
    }
    # Past months whose flows were never computed, for any district (a new district, the
    # first run): computed once, from the oldest one missing.
    missing_past = [m for m in months[:-1] if any((b, m) not in stored for b in districts)]
    rows: dict[tuple[int, dt.date], DistrictSummary] = {}
    if changed:
        ids = sorted(changed)
        counted = figures.district_figures(bureau_ids=ids, today=today)
        flows = figures.monthly_figures(bureau_ids=ids, since=_previous_month(month))
        for pk in ids:
            rows[(pk, month)] = DistrictSummary(
                bureau_id=pk,
                month=month,
                figures=counted[pk],
                flows=flows[pk][month],
                refreshed_at=now,
            )
            previous = _previous_month(month)
            if (pk, previous) in stored:
                # Late entries of the month just ended; its figures stay as at its end.
                rows[(pk, previous)] = DistrictSummary(
                    bureau_id=pk,
                    month=previous,
                    figures=None,
                    flows=flows[pk][previous],
                    refreshed_at=now,
                )
    if missing_past:
        flows = figures.monthly_figures(bureau_ids=districts, since=missing_past[0])
        for pk in districts:
            for m in missing_past:
                if (pk, m) not in stored and m in flows[pk]:
                    rows[(pk, m)] = DistrictSummary(
                        bureau_id=pk, month=m, figures={}, flows=flows[pk][m], refreshed_at=now
                    )
    _write(rows.values())
    return {"districts": len(changed), "rows": len(rows), "full": bool(full or stale_day)}


def _write(rows) -> None:
    """One upsert. A row whose `figures` is None keeps the figures it has (a closed month)."""
    keep, replace = [], []
    for row in rows:
        (keep if row.figures is None else replace).append(row)
    manager = DistrictSummary.objects.dangerously_unaudited()  # derived data, rebuilt at will
    with transaction.atomic():
        if replace:
            manager.bulk_create(
                replace,
                update_conflicts=True,
                unique_fields=["bureau", "month"],
                update_fields=["figures", "flows", "refreshed_at"],
                batch_size=1000,
            )
        for row in keep:
            row.figures = {}
        if keep:
            manager.bulk_create(
                keep,
                update_conflicts=True,
                unique_fields=["bureau", "month"],
                update_fields=["flows", "refreshed_at"],
                batch_size=1000,
            )


# --- reads -------------------------------------------------------------------------------------


def rollup(*, bureau: Bureau | None, today: dt.date | None = None) -> dict:
    """The roll-up of `bureau` from the summary table: one row per child bureau (cities of a
    province, districts of a city; the district itself for a district; every province for
    None, the national roll-up), the total, the trend of the last 12 months, and the
    freshness (the oldest refresh among the rows read). Reads the summary rows visible in the
    acting scope only (row-level security)."""
    today = today or timezone.localdate()
    months = figures.month_starts(today, TREND_MONTHS)
    if bureau is None:
        children = list(Bureau.objects.filter(parent__isnull=True).order_by("code"))
    elif bureau.is_district:
        children = [bureau]
    else:
        children = list(Bureau.objects.filter(parent=bureau).order_by("code"))
    by_path = {child.path: child for child in children}
    prefix = bureau.path if bureau is not None else "/"
    summaries = (
        DistrictSummary.objects.filter(bureau__path__startswith=prefix, month__gte=months[0])
        .values_list("bureau__path", "month", "figures", "flows", "refreshed_at")
        .order_by()
    )
    keys = figures.stored_keys()
    current: dict[int, dict] = {c.pk: dict.fromkeys(keys, 0) for c in children}
    districts: dict[int, int] = {c.pk: 0 for c in children}
    trend = {m: dict.fromkeys(figures.MONTHLY, 0) for m in months}
    oldest = None
    child_of = {}
    for path, month, counted, flows, refreshed_at in summaries:
        child = child_of.get(path)
        if child is None:
            child = next(c for p, c in by_path.items() if path.startswith(p))
            child_of[path] = child
        if month == months[-1]:
            row = current[child.pk]
            for key in keys:
                row[key] += counted.get(key, 0)
            districts[child.pk] += 1
            oldest = refreshed_at if oldest is None else min(oldest, refreshed_at)
        for key in figures.MONTHLY:
            trend[month][key] += flows.get(key, 0)
    rows = [
        {"bureau": c, "districts": districts[c.pk], **figures.with_ratios(current[c.pk])}
        for c in children
    ]
    return {
        "rows": rows,
        "total": figures.with_ratios(figures.totals(current.values())),
        "trend": trend,
        "as_of": oldest,
    }
