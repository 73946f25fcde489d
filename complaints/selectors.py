"""Reads for tip-offs: the public institution search, duplicate hints, who can be assigned,
notifications, refund totals per district."""

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Count, Q, Sum
from django.db.models.functions import Greatest

from bureaus.models import Bureau, Membership, User
from complaints.models import Complaint, Notification
from institutions.models import Institution

# Fields of an institution the public search may show.
PUBLIC_INSTITUTION_FIELDS = ("id", "name", "address", "bureau__name")


def institution_public_search(*, q: str, limit: int = 8) -> list[dict]:
    """Registry institutions whose name or address contains `q`, public fields only (the
    name, the address and the district), for the tip-off form's search-as-you-type."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    rows = (
        Institution.objects.filter(Q(name__icontains=q) | Q(address__icontains=q))
        .order_by("name", "id")
        .values(*PUBLIC_INSTITUTION_FIELDS)[:limit]
    )
    return [
        {"id": r["id"], "name": r["name"], "address": r["address"], "district": r["bureau__name"]}
        for r in rows
    ]


def institution_public_get(*, pk) -> Institution | None:
    return Institution.objects.select_related("bureau").filter(pk=pk).first()


def district_choices() -> list[tuple[int, str]]:
    return list(
        Bureau.objects.filter(level=Bureau.Level.DISTRICT)
        .order_by("path")
        .values_list("id", "name")
    )


def complaint_duplicates(*, complaint: Complaint, limit: int = 10) -> list[Complaint]:
    """Open tip-offs of the same district about the same institution, or with a similar
    institution name or address (pg_trgm similarity), for merging at triage."""
    candidates = Complaint.objects.filter(
        bureau_id=complaint.bureau_id, status__in=Complaint.OPEN_STATUSES
    ).exclude(pk=complaint.pk)
    similar = Q(similarity__gte=0.35)
    if complaint.institution_id:
        similar |= Q(institution_id=complaint.institution_id)
    return list(
        candidates.annotate(
            similarity=Greatest(
                TrigramSimilarity("institution_name", complaint.institution_name),
                TrigramSimilarity("institution_address", complaint.institution_address or "-"),
            )
        )
        .filter(similar)
        .order_by("-similarity", "received_at")
        .only("id", "tracking_code", "institution_name", "institution_address", "status")[:limit]
    )


def assignable_users(*, bureau_id: int) -> list[User]:
    """Officers and administrators of the district, who may handle tip-offs."""
    return list(
        User.objects.filter(
            memberships__bureau_id=bureau_id,
            memberships__is_active=True,
            memberships__role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN],
        )
        .distinct()
        .order_by("display_name", "username")
    )


def notification_list(*, user, limit: int = 10) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True)[:limit])


def refund_totals(*, queryset) -> list[dict]:
    """Refund disputes summed per district: count, students, fen in dispute and recovered."""
    return list(
        queryset.values("bureau__name")
        .annotate(
            disputes=Count("id"),
            students=Sum("students"),
            disputed=Sum("amount_disputed_fen"),
            recovered=Sum("amount_recovered_fen"),
        )
        .order_by("bureau__name")
    )


def refund_grand_total(*, queryset) -> dict:
    return queryset.aggregate(
        disputes=Count("id"),
        students=Sum("students"),
        disputed=Sum("amount_disputed_fen"),
        recovered=Sum("amount_recovered_fen"),
    )
