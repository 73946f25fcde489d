"""Reads of the registry: what staff lists show, and what the public may see."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from institutions.models import Credential, Institution, ListEntry

PUBLIC_RESULTS = 20


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
    """Search across every bureau by name, pinyin initials or credit code (public, no login)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    rows = list(
        institution_public_queryset()
        .filter(search_condition(query))
        .annotate(
            on_white=_active_entry(ListEntry.Kind.WHITE, published=True),
            on_black=_active_entry(ListEntry.Kind.BLACK, published=True),
        )
        .order_by("name", "id")
        .values(*PUBLIC_FIELDS, "on_white", "on_black")[:PUBLIC_RESULTS]
    )
    _attach_public_licences(rows)
    return rows


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
