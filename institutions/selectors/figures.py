"""The registry's figures: as they stood at a past date (periodic reports), and per district
now and per month (dashboards and roll-ups in reports/)."""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from core.figures import monthly_counts
from institutions.models import Credential, Institution, ListEntry

# The registry as it stood at a date, per category, in one statement: each institution's status
# then (its last change by that date, else the status its first later change left, else today's)
# and its licences then, joined set-wise (a correlated subquery per row and figure took a second
# for a district of 20,000 institutions; bench/periodic_report.py).
_FIGURES_AS_OF_SQL = """
WITH inst AS (
    SELECT id, category, status, (created_at AT TIME ZONE %(tz)s)::date AS created_on
    FROM institutions_institution WHERE bureau_id = ANY(%(bureaus)s)
), last_change AS (
    SELECT DISTINCT ON (institution_id) institution_id, to_status
    FROM institutions_statuschange
    WHERE bureau_id = ANY(%(bureaus)s) AND decided_on <= %(as_of)s
    ORDER BY institution_id, decided_on DESC, at DESC, id DESC
), next_change AS (
    SELECT DISTINCT ON (institution_id) institution_id, from_status
    FROM institutions_statuschange
    WHERE bureau_id = ANY(%(bureaus)s) AND decided_on > %(as_of)s
    ORDER BY institution_id, decided_on, at, id
), rectified AS (
    SELECT DISTINCT institution_id FROM institutions_statuschange
    WHERE bureau_id = ANY(%(bureaus)s) AND from_status = 'suspended' AND to_status = 'normal'
      AND decided_on BETWEEN %(start)s AND %(as_of)s
), cred AS (
    SELECT institution_id,
        bool_or(issued_on <= %(as_of)s) AS dated,
        bool_or(kind = 'school_licence' AND issued_on < %(start)s) AS licensed_before,
        bool_or(kind = 'school_licence' AND issued_on BETWEEN %(start)s AND %(as_of)s)
            AS licensed_in_period,
        bool_or(kind = 'school_licence' AND (issued_on IS NULL OR issued_on <= %(as_of)s))
            AS licence_held,
        bool_or(kind IN ('business_licence', 'pne_certificate')
                AND (issued_on IS NULL OR issued_on <= %(as_of)s)) AS business_held
    FROM institutions_credential WHERE bureau_id = ANY(%(bureaus)s)
    GROUP BY institution_id
), white AS (
    SELECT DISTINCT institution_id FROM institutions_listentry
    WHERE bureau_id = ANY(%(bureaus)s) AND kind = 'white' AND published_on <= %(as_of)s
      AND (lifted_on IS NULL OR lifted_on > %(as_of)s)
), rows AS (
    SELECT i.category,
        COALESCE(lc.to_status, nc.from_status, i.status) AS status_then,
        COALESCE(c.licensed_before, false) AS licensed_before,
        COALESCE(c.licensed_in_period, false) AS licensed_in_period,
        (i.category = 'academic' AND COALESCE(c.business_held, false)
            AND NOT COALESCE(c.licence_held, false)) AS business_only,
        r.institution_id IS NOT NULL AS rectified,
        w.institution_id IS NOT NULL AS white
    FROM inst i
    LEFT JOIN last_change lc ON lc.institution_id = i.id
    LEFT JOIN next_change nc ON nc.institution_id = i.id
    LEFT JOIN cred c ON c.institution_id = i.id
    LEFT JOIN rectified r ON r.institution_id = i.id
    LEFT JOIN white w ON w.institution_id = i.id
    WHERE i.created_on <= %(as_of)s OR lc.institution_id IS NOT NULL OR COALESCE(c.dated, false)
)
SELECT category,
    count(*),
    count(*) FILTER (WHERE licensed_before),
    count(*) FILTER (WHERE business_only),
    count(*) FILTER (WHERE rectified),
    count(*) FILTER (WHERE licensed_in_period),
    count(*) FILTER (WHERE status_then IN ('banned', 'closed', 'deregistered')),
    count(*) FILTER (WHERE status_then = 'suspended'),
    count(*) FILTER (WHERE status_then = 'normal'),
    count(*) FILTER (WHERE white)
FROM rows GROUP BY category
"""
# The figures registry_figures_as_of returns, in the order the periodic report's table lists them.
REGISTRY_FIGURES = (
    "institutions_total",
    "licensed_before_period",
    "academic_business_only",
    "rectified",
    "licences_issued",
    "banned_or_closed",
    "suspended",
    "operating",
    "white_listed",
)


def registry_figures_as_of(*, bureau_ids, period_start: dt.date, as_of: dt.date) -> dict:
    """The registry's figures of some districts as they stood at the end of `as_of`, read from
    the history (status changes, licence dates, list entries), not from today's state (seed 001
    篇1: 机构总数, 审批, 学科类仅有营业执照, 截止到…月底 整改达标, 颁发许可证, 取缔或停办, 停办整改,
    白名单); in total and per category. One statement.

    An institution counts from the earliest dated fact on file about it (its registration, a
    status change, a licence's issue date): a survey records institutions that were running
    long before they were put on file. Its status at `as_of` is that of its last change
    decided by then, else the status it left by its first later change, else today's. Licences
    on file without an issue date count as held but neither before nor in the period."""
    with connection.cursor() as cursor:
        cursor.execute(
            _FIGURES_AS_OF_SQL,
            {
                "tz": settings.TIME_ZONE,
                "bureaus": [int(b) for b in bureau_ids],
                "start": period_start,
                "as_of": as_of,
            },
        )
        per_category = {row[0]: dict(zip(REGISTRY_FIGURES, row[1:], strict=True)) for row in cursor}
    totals = {name: sum(row[name] for row in per_category.values()) for name in REGISTRY_FIGURES}
    totals["by_category"] = [
        {
            "label": str(label),
            "total": row["institutions_total"],
            "operating": row["operating"],
            "suspended": row["suspended"],
            "gone": row["banned_or_closed"],
            "white": row["white_listed"],
        }
        for value, label in Institution.Category.choices
        for row in [per_category.get(value, dict.fromkeys(REGISTRY_FIGURES, 0))]
    ]
    return totals


# --- figures for dashboards and roll-ups (reports/) --------------------------------------------


def institution_figures_by_bureau(*, bureau_ids, today: dt.date | None = None) -> dict:
    """The registry's figures per district (seed 001 篇1: counts by status and category,
    licensed, white- and black-listed, licences expiring): {bureau_id: {figure: n}}. Three
    grouped queries whatever the number of districts."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=60)
    figures: dict[int, dict] = {}

    def row(bureau_id):
        return figures.setdefault(bureau_id, {})

    grouped = (
        Institution.objects.filter(bureau_id__in=bureau_ids)
        .values("bureau_id", "status", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for g in grouped:
        r = row(g["bureau_id"])
        r["institutions"] = r.get("institutions", 0) + g["n"]
        key = f"status_{g['status']}"
        r[key] = r.get(key, 0) + g["n"]
        key = f"category_{g['category']}"
        r[key] = r.get(key, 0) + g["n"]
    licences = (
        Credential.objects.filter(bureau_id__in=bureau_ids, kind=Credential.Kind.SCHOOL_LICENCE)
        .values("bureau_id")
        .annotate(
            licensed=Count(
                "institution_id",
                distinct=True,
                filter=Q(expires_on__isnull=True) | Q(expires_on__gte=today),
            ),
            expiring=Count(
                "institution_id",
                distinct=True,
                filter=Q(expires_on__gte=today, expires_on__lte=soon),
            ),
        )
        .order_by()
    )
    for g in licences:
        row(g["bureau_id"]).update(licensed=g["licensed"], licence_expiring=g["expiring"])
    entries = (
        ListEntry.objects.filter(bureau_id__in=bureau_ids, lifted_on__isnull=True)
        .values("bureau_id")
        .annotate(
            white=Count("institution_id", distinct=True, filter=Q(kind=ListEntry.Kind.WHITE)),
            black=Count("institution_id", distinct=True, filter=Q(kind=ListEntry.Kind.BLACK)),
        )
        .order_by()
    )
    for g in entries:
        row(g["bureau_id"]).update(white_listed=g["white"], black_listed=g["black"])
    return figures


def institution_monthly_by_bureau(*, bureau_ids, since: dt.date) -> dict:
    """Institutions entered in the registry per district and month since `since`:
    {bureau_id: {first day of month: {"registered": n}}}."""
    return monthly_counts(
        Institution, bureau_ids=bureau_ids, since=since, field="created_at", key="registered"
    )
