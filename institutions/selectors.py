"""Reads of the registry: what staff lists show, and what the public may see."""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from institutions.models import Credential, Institution, ListEntry, Staff

PUBLIC_RESULTS = 20
# A public search reads at most this many matches before ordering them: a fragment that most
# of the registry shares (培训) answers from a capped set and asks for more of the name.
PUBLIC_CANDIDATES = 1000


def _active_entry(kind, *, published=False):
    entries = ListEntry.objects.filter(
        institution=OuterRef("pk"), kind=kind, lifted_on__isnull=True
    )
    if published:
        entries = entries.filter(published_on__isnull=False)
    return Exists(entries)


def institution_annotate(queryset):
    """List membership and licence expiry as columns, so a list page is one query."""
    licence = Credential.objects.filter(
        institution=OuterRef("pk"), kind=Credential.Kind.SCHOOL_LICENCE
    )
    return queryset.select_related("street", "bureau").annotate(
        on_white=_active_entry(ListEntry.Kind.WHITE),
        on_black=_active_entry(ListEntry.Kind.BLACK),
        licence_number=Subquery(licence.values("number")[:1]),
        licence_expires_on=Subquery(licence.values("expires_on")[:1]),
    )


def institution_list(*, user):
    """The institutions the user may see (own subtree), annotated for the list."""
    return institution_annotate(Institution.objects.visible_to(user))


def search_condition(query: str) -> Q:
    """Name, pinyin initials or credit code, as staff and parents type them."""
    query = query.strip()
    compact = "".join(query.split())
    if len(compact) == 2:
        # Two characters make no trigram: look the piece up in the bigram array instead.
        pieces = [compact.upper()] + ([compact.lower()] if compact.isascii() else [])
        return Q(search_bigrams__overlap=pieces)
    condition = Q(name__icontains=query)
    if compact.isascii():
        # Initials are stored in lower case: `contains` uses their trigram index as is.
        condition |= Q(name_initials__contains=compact.lower())
        if len(compact) == 18:
            condition |= Q(credit_code=compact.upper())
    return condition


def licence_condition(state: str, today: dt.date | None = None) -> Q:
    """Institutions whose school-running licence is valid / expiring / expired / missing."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=60)
    licences = Credential.objects.filter(
        institution=OuterRef("pk"), kind=Credential.Kind.SCHOOL_LICENCE
    )
    if state == "missing":
        return ~Q(Exists(licences))
    if state == "expired":
        return Q(Exists(licences.filter(expires_on__lt=today)))
    if state == "expiring":
        return Q(Exists(licences.filter(expires_on__gte=today, expires_on__lte=soon)))
    if state == "valid":
        return Q(Exists(licences.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))))
    return Q()


# What the public may see: never personal data (contacts, staff), never unpublished entries.
PUBLIC_FIELDS = (
    "id",
    "name",
    "credit_code",
    "category",
    "status",
    "delivery",
    "address",
    "bureau__name",
    "bureau__code",
)


def institution_public_queryset():
    """The public registry rule, for every public search and page: the institutions anyone may
    look up are every one past its application (筹设), and any with a published list entry (an
    unlicensed one found by a survey and black-listed). Callers read public fields only."""
    published = ListEntry.objects.filter(
        institution=OuterRef("pk"), published_on__isnull=False, lifted_on__isnull=True
    )
    return Institution.objects.filter(
        ~Q(status=Institution.Status.PREPARING) | Q(Exists(published))
    )


def institution_public_search(*, query: str) -> list[dict]:
    """Search across every bureau by name, pinyin initials or credit code (public, no login):
    the first page of institution_public_search_page."""
    return institution_public_search_page(query=query)[0]


def _first_candidates(queryset) -> list[tuple]:
    """(pk, name, candidates) of the first page in name order, from at most
    PUBLIC_CANDIDATES + 1 rows of `queryset` read in no order.

    The candidates are a FROM subquery ordered after the cap: as `pk IN (subquery)` the planner
    walked the whole registry in name order, probing the candidates for every row."""
    candidates = queryset.order_by().values_list("pk", "name")[: PUBLIC_CANDIDATES + 1]
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # `sql` is the ORM's own compiled query; every value stays a bound parameter.
            f"SELECT c.*, count(*) OVER () FROM ({sql}) AS c ORDER BY 2, 1 LIMIT %s",  # noqa: S608
            [*params, PUBLIC_RESULTS],
        )
        return cursor.fetchall()


def institution_public_search_page(*, query: str) -> tuple[list[dict], bool]:
    """The public search with bounded cost: (rows, broad). At most PUBLIC_CANDIDATES + 1
    matches are read (in no order, so the scan stops early); the first page is taken from
    them in name order, and `broad` says more matched (the page asks for a fuller name).
    The rows follow the public registry rule (institution_public_queryset)."""
    query = (query or "").strip()
    if len(query) < 2:
        return [], False
    condition = search_condition(query)
    # Institutions past their application first: a plain condition the planner reads well
    # (a broad fragment is a short sequential scan, a narrow one the bigram index). Only when
    # that is not already broad are the rare ones with a published list entry added.
    page = _first_candidates(
        Institution.objects.exclude(status=Institution.Status.PREPARING).filter(condition)
    )
    broad = bool(page) and page[0][2] > PUBLIC_CANDIDATES
    if not broad:
        page = _first_candidates(institution_public_queryset().filter(condition))
    if not page:
        return [], False
    ids = [pk for pk, _name, _count in page]
    rows = list(
        Institution.objects.filter(pk__in=ids)
        .annotate(
            on_white=_active_entry(ListEntry.Kind.WHITE, published=True),
            on_black=_active_entry(ListEntry.Kind.BLACK, published=True),
        )
        .order_by("name", "id")
        .values(*PUBLIC_FIELDS, "on_white", "on_black")
    )
    _attach_public_licences(rows)
    return rows, broad


def public_institution_get(*, pk: int) -> dict | None:
    """One institution's public disclosure (亮证): licences, approved scope, published lists."""
    row = (
        institution_public_queryset()
        .filter(pk=pk)
        .annotate(
            on_white=_active_entry(ListEntry.Kind.WHITE, published=True),
            on_black=_active_entry(ListEntry.Kind.BLACK, published=True),
        )
        .values(*PUBLIC_FIELDS, "on_white", "on_black")
        .first()
    )
    if row is None:
        return None
    _attach_public_licences([row])
    row["entries"] = list(
        ListEntry.objects.filter(
            institution_id=pk, published_on__isnull=False, lifted_on__isnull=True
        ).values("kind", "reason", "decided_on", "published_on")
    )
    return row


def _attach_public_licences(rows: list[dict]) -> None:
    today = timezone.localdate()
    by_institution: dict[int, list] = {}
    for c in Credential.objects.filter(institution_id__in=[r["id"] for r in rows]).values(
        "institution_id", "kind", "number", "issuer", "issued_on", "expires_on", "scope"
    ):
        c["valid"] = c["expires_on"] is None or c["expires_on"] >= today
        by_institution.setdefault(c["institution_id"], []).append(c)
    for row in rows:
        credentials = by_institution.get(row["id"], [])
        row["credentials"] = credentials
        licence = next((c for c in credentials if c["kind"] == "school_licence"), None)
        row["licence"] = licence
        row["licence_state"] = (
            "none" if licence is None else ("valid" if licence["valid"] else "expired")
        )


def public_list_entries(*, bureau, kind: str):
    """A district's published, not lifted, list entries."""
    return (
        ListEntry.objects.filter(
            bureau=bureau, kind=kind, published_on__isnull=False, lifted_on__isnull=True
        )
        .select_related("institution")
        .order_by("-published_on", "institution__name")
    )


def institution_get_for_portal(*, pk: int) -> Institution:
    """One institution's own record, for its portal (the caller, portal.access, has established
    that the account speaks for it): with its credentials and teaching sites."""
    return (
        Institution.objects.select_related("street", "bureau")
        .prefetch_related("credentials", "sites")
        .get(pk=pk)
    )


def institution_staff_for_portal(*, institution_id: int) -> list:
    """The institution's staff register by name, for its own portal's choices of teachers."""
    return list(Staff.objects.filter(institution_id=institution_id).order_by("name", "id"))


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
_FIGURES = (
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
        per_category = {row[0]: dict(zip(_FIGURES, row[1:], strict=True)) for row in cursor}
    totals = {name: sum(row[name] for row in per_category.values()) for name in _FIGURES}
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
        for row in [per_category.get(value, dict.fromkeys(_FIGURES, 0))]
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
    result: dict[int, dict] = {}
    grouped = (
        Institution.objects.filter(bureau_id__in=bureau_ids, created_at__date__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("bureau_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for g in grouped:
        month = g["month"].date() if isinstance(g["month"], dt.datetime) else g["month"]
        result.setdefault(g["bureau_id"], {}).setdefault(month, {})["registered"] = g["n"]
    return result
