"""Reads of the registry: what staff lists show, and what the public may see."""

import datetime as dt

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from institutions.models import Credential, Institution, ListEntry, StatusChange

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


def registry_figures_as_of(*, bureau_ids, period_start: dt.date, as_of: dt.date) -> dict:
    """The registry's figures of some districts as they stood at the end of `as_of`, read from
    the history (status changes, licence dates, list entries), not from today's state (seed 001
    篇1: 机构总数, 审批, 学科类仅有营业执照, 截止到…月底 整改达标, 颁发许可证, 取缔或停办, 停办整改,
    白名单). Two queries (the totals, and the same per category).

    An institution counts from the earliest dated fact on file about it (its registration, a
    status change, a licence's issue date): a survey records institutions that were running
    long before they were put on file. Its status at `as_of` is that of its last change
    decided by then, else the status it left by its first later change, else today's."""
    S = Institution.Status
    K = Credential.Kind
    changes = StatusChange.objects.filter(institution=OuterRef("pk"))
    credentials = Credential.objects.filter(institution=OuterRef("pk"))
    licence = credentials.filter(kind=K.SCHOOL_LICENCE)
    held_by = Q(issued_on__isnull=True) | Q(issued_on__lte=as_of)
    whites = ListEntry.objects.filter(
        institution=OuterRef("pk"), kind=ListEntry.Kind.WHITE, published_on__lte=as_of
    ).filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=as_of))
    rows = (
        Institution.objects.filter(bureau_id__in=list(bureau_ids))
        .filter(
            Q(created_at__date__lte=as_of)
            | Q(Exists(changes.filter(decided_on__lte=as_of)))
            | Q(Exists(credentials.filter(issued_on__lte=as_of)))
        )
        .annotate(
            status_then=Coalesce(
                Subquery(
                    changes.filter(decided_on__lte=as_of)
                    .order_by("-decided_on", "-at", "-id")
                    .values("to_status")[:1]
                ),
                Subquery(
                    changes.filter(decided_on__gt=as_of)
                    .order_by("decided_on", "at", "id")
                    .values("from_status")[:1]
                ),
                F("status"),
            ),
            is_licensed_before=Exists(licence.filter(issued_on__lt=period_start)),
            is_licensed_in_period=Exists(
                licence.filter(issued_on__gte=period_start, issued_on__lte=as_of)
            ),
            is_business_only=ExpressionWrapper(
                Q(category=Institution.Category.ACADEMIC)
                & Q(
                    Exists(
                        credentials.filter(
                            held_by, kind__in=[K.BUSINESS_LICENCE, K.PNE_CERTIFICATE]
                        )
                    )
                )
                & ~Q(Exists(licence.filter(held_by))),
                output_field=BooleanField(),
            ),
            is_rectified=Exists(
                changes.filter(
                    from_status=S.SUSPENDED,
                    to_status=S.NORMAL,
                    decided_on__gte=period_start,
                    decided_on__lte=as_of,
                )
            ),
            is_white=Exists(whites),
        )
    )
    gone = (S.BANNED, S.CLOSED, S.DEREGISTERED)
    totals = rows.aggregate(
        institutions_total=Count("pk"),
        licensed_before_period=Count("pk", filter=Q(is_licensed_before=True)),
        academic_business_only=Count("pk", filter=Q(is_business_only=True)),
        rectified=Count("pk", filter=Q(is_rectified=True)),
        licences_issued=Count("pk", filter=Q(is_licensed_in_period=True)),
        banned_or_closed=Count("pk", filter=Q(status_then__in=gone)),
        suspended=Count("pk", filter=Q(status_then=S.SUSPENDED)),
        operating=Count("pk", filter=Q(status_then=S.NORMAL)),
        white_listed=Count("pk", filter=Q(is_white=True)),
    )
    by_category = {
        row["category"]: row
        for row in rows.values("category")
        .annotate(
            total=Count("pk"),
            operating=Count("pk", filter=Q(status_then=S.NORMAL)),
            suspended=Count("pk", filter=Q(status_then=S.SUSPENDED)),
            gone=Count("pk", filter=Q(status_then__in=gone)),
            white=Count("pk", filter=Q(is_white=True)),
        )
        .order_by("category")
    }
    totals["by_category"] = [
        {
            "label": str(label),
            **{
                k: by_category.get(value, {}).get(k, 0)
                for k in ("total", "operating", "suspended", "gone", "white")
            },
        }
        for value, label in Institution.Category.choices
    ]
    return totals
