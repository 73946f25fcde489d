"""Inspections' warnings on the institution (through institutions.extensions, which the
registry reads without importing this app): a rectification notice overdue (its deadline past,
nothing received), and one escalated to the city. Set set-based and idempotently by the
periodic job, and for one institution as soon as one of its notices moves (verified and
closed, or ended by a sanction, clears them at once)."""

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from inspections.models import RectificationNotice
from institutions import extensions
from institutions.models import Institution

SOURCE = "inspections"
OVERDUE, CITY = "overdue", "city"
LABELS = {
    OVERDUE: _("Inspections: a rectification notice is overdue"),
    CITY: _("Inspections: an overdue rectification notice was escalated to the city"),
}
# Still owed by the institution: issued (or escalated) and past its deadline.
OWED = (RectificationNotice.Status.ISSUED, RectificationNotice.Status.ESCALATED)


def register() -> None:
    extensions.register_warnings(SOURCE, LABELS)


def codes_by_institution(institution_ids=None) -> dict[int, list[str]]:
    """The warnings each institution should carry now (only those with any): one query."""
    notices = RectificationNotice.objects.filter(status__in=OWED, overdue_since__isnull=False)
    if institution_ids is not None:
        notices = notices.filter(inspection__institution_id__in=list(institution_ids))
    found: dict[int, set] = {}
    to_city = ExpressionWrapper(Q(city_escalated_at__isnull=False), output_field=BooleanField())
    rows = notices.annotate(to_city=to_city).values_list("inspection__institution_id", "to_city")
    for institution_id, city in rows.distinct():
        codes = found.setdefault(institution_id, set())
        codes.add(OVERDUE)
        if city:
            codes.add(CITY)
    return {pk: sorted(codes) for pk, codes in found.items()}


def institutions_sync(institution_ids) -> int:
    """Put these institutions' inspection warnings right (set-based, idempotent)."""
    ids = list(institution_ids)
    return extensions.set_warnings_many(
        source=SOURCE, codes_by_institution=codes_by_institution(ids), institution_ids=ids
    )


def sync_all() -> int:
    """Every institution: those owing an overdue notice get the codes, those carrying one of
    this source's codes and owing none lose them. A second run writes nothing."""
    wanted = codes_by_institution()
    carrying = Institution.objects.filter(
        warning_codes__overlap=[extensions.qualified(SOURCE, code) for code in LABELS]
    ).values_list("pk", flat=True)
    return extensions.set_warnings_many(
        source=SOURCE, codes_by_institution=wanted, institution_ids=list(carrying)
    )
