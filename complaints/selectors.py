"""Reads for tip-offs: the public institution search, duplicate hints, who can be assigned,
refund totals per district."""

import datetime as dt
import re

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from bureaus.models import Bureau, User
from bureaus.permissions import allowed_roles
from complaints.models import Complaint, ComplaintEvent, Reward
from core.figures import monthly_counts
from institutions.models import Institution
from institutions.selectors import institution_public_queryset

# Fields of an institution the public search may show.
PUBLIC_INSTITUTION_FIELDS = ("id", "name", "address", "bureau__name")


def institution_public_search(*, q: str, limit: int = 8) -> list[dict]:
    """Registry institutions the public may look up (`institution_public_queryset`: not those
    still in 筹设) whose name or address contains `q`, public fields only (the name, the address
    and the district), for the tip-off form's search-as-you-type."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    # Bounded (issue 11): at most 200 matches read in no order, then the first by name, so a
    # fragment most of the registry shares does not sort the whole registry.
    rows = sorted(
        institution_public_queryset()
        .filter(Q(name__icontains=q) | Q(address__icontains=q))
        .order_by()
        .values(*PUBLIC_INSTITUTION_FIELDS)[:200],
        key=lambda r: (r["name"], r["id"]),
    )[:limit]
    return [
        {"id": r["id"], "name": r["name"], "address": r["address"], "district": r["bureau__name"]}
        for r in rows
    ]


def institution_public_get(*, pk) -> Institution | None:
    """The institution a public tip-off names by id, if the public may see it (the registry's
    public rule: never one still in 筹设)."""
    return institution_public_queryset().select_related("bureau").filter(pk=pk).first()


def district_choices() -> list[tuple[int, str]]:
    return list(
        Bureau.objects.filter(level=Bureau.Level.DISTRICT)
        .order_by("path")
        .values_list("id", "name")
    )


# Words every training institution's name carries; left in, they make any two names similar.
_GENERIC = (
    "有限责任公司",
    "有限公司",
    "教育科技",
    "教育咨询",
    "文化传播",
    "培训学校",
    "培训中心",
    "培训机构",
    "培训班",
    "工作室",
    "培训",
    "学校",
    "中心",
    "教育",
    "科技",
    "辅导",
    "艺术",
    "文化",
)
_PUNCT = re.compile(r"[\s()（）·,，.。\-—]+")
_ROAD_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:大道|路|街|巷|弄))(\d+)号")
# 浙江省 / 杭州市 / 西湖区 prefixes: left in, the road would read "杭州市西湖区文三路".
_ADMIN_PREFIX = re.compile(
    r"^(?:[^省市区县\d]{1,6}?省)?(?:[^省市区县\d]{1,6}?市)?(?:[^省市区县\d]{1,6}?[区县])?"
)


def _core(name: str, district: str) -> str:
    core = _PUNCT.sub("", name or "")
    if district and core.startswith(district):
        core = core[len(district) :]
    for word in _GENERIC:
        core = core.replace(word, "")
    return core


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def names_match(a: str, b: str, *, district: str = "") -> bool:
    """Two institution names likely mean the same institution: once the district and the
    generic words (培训, 中心, 有限公司…) are removed, one contains the other or their
    character bigrams overlap (Dice ≥ 0.6)."""
    ca, cb = _core(a, district), _core(b, district)
    if len(ca) < 2 or len(cb) < 2:
        return False
    if ca in cb or cb in ca:
        return True
    x, y = _bigrams(ca), _bigrams(cb)
    return 2 * len(x & y) / (len(x) + len(y)) >= 0.6


def addresses_match(a: str, b: str) -> bool:
    """The same road and door number (文二路344号) in both addresses."""
    ra = _ROAD_NUMBER.search(_ADMIN_PREFIX.sub("", _PUNCT.sub("", a or "")))
    rb = _ROAD_NUMBER.search(_ADMIN_PREFIX.sub("", _PUNCT.sub("", b or "")))
    return bool(ra and rb and ra.groups() == rb.groups())


# The duplicate hint scores at most this many of the district's open tip-offs, the most recently
# received (issue 11): its cost stays the same whether the table holds 200,000 rows or 10 million.
DUPLICATE_WINDOW = 500


def complaint_duplicates(*, complaint: Complaint, limit: int = 10) -> list[Complaint]:
    """Open tip-offs of the same district about the same registry institution, or with a
    matching name or the same road and number, for merging at triage.

    Bounded: the same institution's open tip-offs are read by their index, and only the
    district's `DUPLICATE_WINDOW` most recent open tip-offs (a partial index in received order)
    are scored by pg_trgm, which narrows them to those sharing any trigram with the name or
    address; the Chinese-aware comparison above decides (trigram scores alone rate every
    "…培训有限公司" alike)."""
    district = (
        complaint.bureau.name.replace("教育局", "").rstrip("区县市") if complaint.bureau_id else ""
    )
    name = complaint.institution_name or ""
    address = complaint.institution_address or ""
    fields = (
        "id",
        "tracking_code",
        "institution_id",
        "institution_name",
        "institution_address",
        "status",
    )
    open_here = Complaint.objects.filter(
        bureau_id=complaint.bureau_id, status__in=Complaint.OPEN_STATUSES
    ).exclude(pk=complaint.pk)
    same = []
    if complaint.institution_id:
        same = list(
            open_here.filter(institution_id=complaint.institution_id)
            .order_by("-received_at")
            .only(*fields)[:limit]
        )
    window = open_here.order_by("-received_at").values("pk")[:DUPLICATE_WINDOW]
    scored = (
        Complaint.objects.filter(pk__in=window)
        .annotate(
            score=Greatest(
                TrigramSimilarity("institution_name", name),
                TrigramWordSimilarity(name, "institution_name"),
                TrigramSimilarity("institution_address", address or "-"),
            )
        )
        .filter(score__gte=0.1)
        .order_by("-score", "received_at")
        .only(*fields)[:200]
    )
    seen = {c.pk for c in same}
    found = same + [
        c
        for c in scored
        if c.pk not in seen
        and (
            names_match(name, c.institution_name, district=district)
            or addresses_match(address, c.institution_address)
        )
    ]
    return found[:limit]


def assignable_users(*, bureau_id: int) -> list[User]:
    """Officers and administrators of the district, who may handle tip-offs."""
    return list(
        User.objects.filter(
            memberships__bureau_id=bureau_id,
            memberships__is_active=True,
            memberships__role__in=allowed_roles("complaint.handle"),
        )
        .distinct()
        .order_by("display_name", "username")
    )


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


# A tip-off's own columns the staff API shows (complaints.api.serializers), in its order.
LIST_COLUMNS = (
    "id",
    "tracking_code",
    "bureau_id",
    "channel",
    "external_ref",
    "institution_id",
    "institution_name",
    "institution_address",
    "category",
    "description",
    "observed_on",
    "status",
    "outcome",
    "public_reply",
    "assignee_id",
    "duplicate_of_id",
    "received_at",
    "due_on",
    "overdue_since",
    "concluded_at",
    "closed_at",
)


def complaint_list_rows(queryset):
    """The inbox's rows for the API list as plain values, not a model instance per row (issue
    11): the tip-off's columns, the district's name joined, and whether the reporter left a
    name and phone as a column (an encrypted value is never empty when one was left); the
    reporter's encrypted identity is never read."""
    return queryset.values(
        *LIST_COLUMNS,
        bureau_name=F("bureau__name"),
        reporter_named=ExpressionWrapper(
            ~Q(reporter_name="") & ~Q(reporter_phone=""), output_field=BooleanField()
        ),
    )


# The steps of a tip-off its reporter may read, in their words; internal steps (notes,
# reminders, rewards, orders) and every staff name stay out.
_PUBLIC_STEPS = {
    ComplaintEvent.Kind.RECEIVED: pgettext_lazy("public timeline", "Received"),
    ComplaintEvent.Kind.ACCEPTED: pgettext_lazy("public timeline", "Accepted for handling"),
    ComplaintEvent.Kind.REJECTED: pgettext_lazy("public timeline", "Not accepted"),
    ComplaintEvent.Kind.MERGED: pgettext_lazy(
        "public timeline", "Handled together with an earlier report of the same case"
    ),
    ComplaintEvent.Kind.ASSIGNED: pgettext_lazy("public timeline", "Passed to a handler"),
    ComplaintEvent.Kind.CONCLUDED: pgettext_lazy("public timeline", "Replied"),
    ComplaintEvent.Kind.CLOSED: pgettext_lazy("public timeline", "Closed"),
}


def complaint_public_timeline(*, complaint: Complaint) -> list[dict]:
    """The public timeline of a tip-off (its reporter's view): the date and a public label of
    each step, never a staff name or an internal note. A merged tip-off continues with the
    original's reply."""
    kinds = list(_PUBLIC_STEPS)
    events = list(
        ComplaintEvent.objects.filter(complaint=complaint, kind__in=kinds).values_list("kind", "at")
    )
    if complaint.status == Complaint.Status.MERGED and complaint.duplicate_of_id:
        events += list(
            ComplaintEvent.objects.filter(
                complaint_id=complaint.duplicate_of_id,
                kind__in=[ComplaintEvent.Kind.CONCLUDED, ComplaintEvent.Kind.CLOSED],
            ).values_list("kind", "at")
        )
    steps = []
    for kind, at in sorted(events, key=lambda e: e[1]):
        label = str(_PUBLIC_STEPS[kind])
        if steps and steps[-1]["label"] == label:
            continue  # a re-assignment reads as one step
        steps.append({"at": at, "label": label, "kind": kind})
    return steps


# --- figures for dashboards and roll-ups (reports/) --------------------------------------------


def complaint_figures_by_bureau(*, bureau_ids, today: dt.date | None = None) -> dict:
    """Tip-off figures per district (seed 004 永川: received, concluded, overdue, rewards paid):
    {bureau_id: {figure: n}}. Overdue means open past its reply date, as the inbox's filter.
    Two grouped queries whatever the number of districts."""
    today = today or timezone.localdate()
    figures: dict[int, dict] = {}
    open_ = Q(status__in=Complaint.OPEN_STATUSES)
    grouped = (
        Complaint.objects.filter(bureau_id__in=bureau_ids)
        .values("bureau_id")
        .annotate(
            received=Count("pk"),
            open=Count("pk", filter=open_),
            concluded=Count("pk", filter=Q(status__in=("concluded", "closed"))),
            overdue=Count("pk", filter=open_ & Q(due_on__lt=today)),
        )
        .order_by()
    )
    for g in grouped:
        figures[g["bureau_id"]] = {
            "complaints_received": g["received"],
            "complaints_open": g["open"],
            "complaints_concluded": g["concluded"],
            "complaints_overdue": g["overdue"],
        }
    rewards = (
        Reward.objects.filter(bureau_id__in=bureau_ids, status=Reward.Status.CLAIMED)
        .values("bureau_id")
        .annotate(n=Count("pk"), fen=Sum("amount_fen"))
        .order_by()
    )
    for g in rewards:
        figures.setdefault(g["bureau_id"], {}).update(
            rewards_paid=g["n"], rewards_paid_fen=g["fen"] or 0
        )
    return figures


def complaint_monthly_by_bureau(*, bureau_ids, since: dt.date) -> dict:
    """Tip-offs received per district and month since `since`:
    {bureau_id: {first day of month: {"complaints_received": n}}}."""
    return monthly_counts(
        Complaint,
        bureau_ids=bureau_ids,
        since=since,
        field="received_at",
        key="complaints_received",
    )
