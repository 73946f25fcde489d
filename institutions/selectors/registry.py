"""Staff reads of the registry: list columns, search and licence conditions, and an
institution's own record for its portal."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from institutions.models import Credential, Institution, ListEntry, Staff


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
