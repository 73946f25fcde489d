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

from django.db import connections, transaction
from django.db.models import BigIntegerField, Min, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
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
        # A transaction that wrote before the last run began but committed after it read is
        # caught by the next day's full run (audit times are the writes', not the commits').
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
    # Every district's row of the month is now right as of this run (recomputed, or checked
    # unwritten): the freshness shown ("数据截至") and the next run's starting point.
    DistrictSummary.objects.dangerously_unaudited().filter(month=month).update(refreshed_at=now)
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


def _summed(json_field: str, keys) -> dict:
    """SUM((<json_field> ->> key)::bigint) for each key: the sums are made by PostgreSQL."""
    return {
        key: Coalesce(Sum(Cast(KeyTextTransform(key, json_field), BigIntegerField())), 0)
        for key in keys
    }


def _current_by_child(*, prefix: str, depth: int, month: dt.date, keys: list) -> dict[str, dict]:
    """Per child bureau of the subtree under `prefix`: how many districts, the oldest refresh,
    and the sum of every counted figure, in one grouped statement. Written as SQL: its ~40
    SUM(CAST(figures ->> key)) expressions took the ORM longer to build than PostgreSQL takes
    to run them (issue 11). `split_part(path, '/', depth + 2)` is the child's code:
    "/33/3301/330106/" has the province at position 2, the city at 3, the district at 4."""
    sums = ", ".join(["COALESCE(SUM((s.figures ->> %s)::bigint), 0)"] * len(keys))
    # The table names are the models', every value a parameter.
    sql = (
        f"SELECT split_part(b.path, '/', %s), COUNT(*), MIN(s.refreshed_at), {sums} "  # noqa: S608
        f"FROM {DistrictSummary._meta.db_table} s "
        f"JOIN {Bureau._meta.db_table} b ON b.id = s.bureau_id "
        "WHERE b.path LIKE %s AND s.month = %s GROUP BY 1"
    )
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connections[DistrictSummary.objects.all().db].cursor() as cursor:
        cursor.execute(sql, [depth + 2, *keys, pattern, month])
        return {
            child: {
                "districts": districts,
                "as_of": as_of,
                # SUM of bigint is numeric in PostgreSQL: back to int.
                **{key: int(total) for key, total in zip(keys, totals, strict=True)},
            }
            for child, districts, as_of, *totals in cursor.fetchall()
        }


def rollup(*, bureau: Bureau | None, today: dt.date | None = None) -> dict:
    """The roll-up of `bureau` from the summary table: one row per child bureau (cities of a
    province, districts of a city; the district itself for a district; every province for
    None, the national roll-up), the total, the trend of the last 12 months, and the
    freshness (the oldest refresh among the rows read). Two grouped queries whatever the size
    of the subtree (the sums per child are made in SQL, grouped by the child's code in the
    materialized path). Reads the summary rows visible in the acting scope only (row-level
    security)."""
    today = today or timezone.localdate()
    months = figures.month_starts(today, TREND_MONTHS)
    if bureau is None:
        children = list(Bureau.objects.filter(parent__isnull=True).order_by("code"))
        prefix, depth = "/", 0
    else:
        prefix, depth = bureau.path, bureau.path.count("/") - 1
        if bureau.is_district:
            children, depth = [bureau], depth - 1
        else:
            children = list(Bureau.objects.filter(parent=bureau).order_by("code"))
    keys = figures.stored_keys()
    by_code = _current_by_child(prefix=prefix, depth=depth, month=months[-1], keys=keys)
    monthly = (
        DistrictSummary.objects.filter(bureau__path__startswith=prefix, month__gte=months[0])
        .values("month")
        .annotate(**_summed("flows", figures.MONTHLY))
        .order_by()
    )
    trend = {m: dict.fromkeys(figures.MONTHLY, 0) for m in months}
    for row in monthly:
        if row["month"] in trend:
            trend[row["month"]].update({k: int(row[k]) for k in figures.MONTHLY})
    current = {}
    rows = []
    for child in children:
        found = by_code.get(child.code, {})
        current[child.pk] = {key: found.get(key, 0) for key in keys}
        rows.append(
            {
                "bureau": child,
                "districts": found.get("districts", 0),
                **figures.with_ratios(current[child.pk]),
            }
        )
    times = [row["as_of"] for row in by_code.values() if row["as_of"] is not None]
    return {
        "rows": rows,
        "total": figures.with_ratios(figures.totals(current.values())),
        "trend": trend,
        "as_of": min(times) if times else None,
    }


def district_rows(*, bureau: Bureau, since: dt.date) -> dict[dt.date, DistrictSummary]:
    """A district's summary rows from `since` (its trend, and its slow-moving figures):
    {month: row}, one query."""
    rows = DistrictSummary.objects.filter(bureau=bureau, month__gte=since).only(
        "month", "figures", "flows", "refreshed_at"
    )
    return {row.month: row for row in rows}
