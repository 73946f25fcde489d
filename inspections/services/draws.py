"""Random draws (双随机): targets drawn from a pool of the district's institutions, inspectors
drawn per department from a roster with recusal. Everything the draw used is recorded (seed,
pool, roster, algorithm version), so a replay recomputes it and compares. The pool (and the
weights) are stored packed in DrawPool, written once and not copied field by field into the
audit trail; the draw's audited row keeps their SHA-256 digest, which the replay checks first.

Algorithm "sha256-rank-1": each candidate is ranked by SHA-256 of "<seed>:<key>" and the
lowest ranks win; it depends on nothing but the recorded inputs (no Python `random`, whose
sequence may change between versions).

Algorithm "sha256-weighted-1" (a draw weighted by risk): weighted sampling without replacement
after Efraimidis and Spirakis — each candidate's uniform number u in (0, 1) comes from the same
SHA-256 of "<seed>:<key>", its key is ln(u) / weight and the largest keys win; the weights
(1 + warnings + 2 × overdue notices + open tip-offs at the time of the draw) are recorded with
the draw, so the replay uses them and not today's.

Targets may be filtered (category, street, status, with warnings, with an overdue notice, with
an open tip-off) and drawn by count or by ratio (the count is then ceil(ratio × pool))."""

import hashlib
import heapq
import math
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Func, IntegerField
from django.utils.translation import gettext as _

from bureaus.models import Membership
from bureaus.permissions import allowed_roles, membership_may
from complaints.models import Complaint
from inspections.models import Draw, Inspection, InspectorRecusal, RectificationNotice
from inspections.models.draws import DrawPool, pack_ids, pool_digest
from institutions.models import Institution

ALGORITHM = "sha256-rank-1"
WEIGHTED = "sha256-weighted-1"
ALGORITHMS = (ALGORITHM, WEIGHTED)
FILTERS = ("category", "street", "status", "warnings", "overdue_notices", "open_tipoffs")
FLAGS = ("warnings", "overdue_notices", "open_tipoffs")


def _rank(seed: str, key) -> bytes:
    """SHA-256 of "<seed>:<key>" (its bytes order as its hexadecimal form would)."""
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()


def _uniform(seed: str, key) -> float:
    """A number in (0, 1) from the SHA-256 rank: its first 53 bits, never 0."""
    return (int.from_bytes(_rank(seed, key)[:7], "big") >> 3 | 1) / 2**53


def draw_targets(*, seed: str, pool: list[int], count: int, weights: dict | None = None):
    if not weights:
        return sorted(heapq.nsmallest(count, pool, key=lambda pk: (_rank(seed, pk), pk)))

    def key(pk):
        return (-math.log(_uniform(seed, pk)) / weights.get(str(pk), 1), pk)

    return sorted(heapq.nsmallest(count, pool, key=key))


def draw_compute(
    *,
    seed: str,
    pool: list[int],
    count: int,
    roster: dict,
    weights: dict | None = None,
    chosen: list[int] | None = None,
) -> list[dict]:
    """The result of a draw from its recorded inputs: `count` institutions of `pool` (by
    weight when `weights` are given), and for each one inspector per department from
    `roster[str(institution)][department]`."""
    if chosen is None:
        chosen = draw_targets(seed=seed, pool=pool, count=count, weights=weights)
    result = []
    for pk in sorted(chosen):
        team = {}
        for department, users in sorted(roster.get(str(pk), {}).items()):
            if users:
                team[department] = min(users, key=lambda u: (_rank(seed, f"{pk}:{u}"), u))
        result.append({"institution": pk, "inspectors": team})
    return result


def _overdue_notices(bureau):
    return RectificationNotice.objects.filter(
        bureau=bureau, overdue_since__isnull=False, status__in=OVERDUE_STATES
    )


def _open_tipoffs(bureau):
    return Complaint.objects.filter(
        bureau=bureau, status__in=Complaint.OPEN_STATUSES, institution__isnull=False
    )


OVERDUE_STATES = (RectificationNotice.Status.ISSUED, RectificationNotice.Status.ESCALATED)


def clean_filters(filters: dict | None) -> dict:
    """The filters a draw keeps: known keys with a value (the flags as True)."""
    clean = {}
    for key, value in (filters or {}).items():
        if key not in FILTERS or value in ("", None, False):
            continue
        clean[key] = True if key in FLAGS else value
    return clean


def draw_pool(*, bureau, filters: dict) -> list[int]:
    """The institutions of the district matching the filters, as ids in order."""
    queryset = Institution.objects.filter(bureau=bureau)
    clean = clean_filters(filters)
    if clean.get("street"):
        queryset = queryset.filter(street_id=clean["street"])
    if clean.get("category"):
        queryset = queryset.filter(category=clean["category"])
    queryset = queryset.filter(status=clean.get("status") or Institution.Status.NORMAL)
    if clean.get("warnings"):
        queryset = queryset.exclude(warning_codes=[])
    if clean.get("overdue_notices"):
        queryset = queryset.filter(
            pk__in=_overdue_notices(bureau).values("inspection__institution_id")
        )
    if clean.get("open_tipoffs"):
        queryset = queryset.filter(pk__in=_open_tipoffs(bureau).values("institution_id"))
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def risk_weights(*, bureau, pool: list[int]) -> dict[str, int]:
    """Each candidate's risk weight: 1 + its warnings + 2 × its overdue notices + its open
    tip-offs (three grouped queries, whatever the size of the pool)."""
    weights = {
        pk: 1 + (n or 0)
        for pk, n in Institution.objects.filter(bureau=bureau)
        .annotate(n=Func(F("warning_codes"), function="cardinality", output_field=IntegerField()))
        .values_list("pk", "n")
    }
    for pk, n in (
        _overdue_notices(bureau)
        .values_list("inspection__institution_id")
        .annotate(n=Count("pk"))
        .values_list("inspection__institution_id", "n")
    ):
        weights[pk] = weights.get(pk, 1) + 2 * n
    for pk, n in (
        _open_tipoffs(bureau)
        .values_list("institution_id")
        .annotate(n=Count("pk"))
        .values_list("institution_id", "n")
    ):
        weights[pk] = weights.get(pk, 1) + n
    return {str(pk): weights.get(pk, 1) for pk in pool}


def _roster(*, bureau, institutions: list[int]) -> dict:
    """Per institution, per department: the eligible inspectors (recusal and "inspected it
    last time" removed)."""
    memberships = list(
        Membership.objects.filter(
            bureau=bureau,
            is_active=True,
            department__isnull=False,
            role__in=allowed_roles("inspection.change"),
        ).values_list("user_id", "department_id")
    )
    recused = set(
        InspectorRecusal.objects.filter(bureau=bureau, institution_id__in=institutions).values_list(
            "institution_id", "inspector_id"
        )
    )
    # The last visit to each institution (one DISTINCT ON query) and its team (one more).
    last_visits = dict(
        Inspection.objects.filter(bureau=bureau, institution_id__in=institutions)
        .exclude(status=Inspection.Status.PLANNED)
        .order_by("institution_id", "-planned_on", "-pk")
        .distinct("institution_id")
        .values_list("institution_id", "pk")
    )
    team_of: dict[int, set] = {}
    for visit_id, user_id in Inspection.inspectors.through.objects.filter(
        inspection_id__in=last_visits.values()
    ).values_list("inspection_id", "user_id"):
        team_of.setdefault(visit_id, set()).add(user_id)
    last_team = {pk: team_of.get(last_visits.get(pk), set()) for pk in institutions}
    roster = {}
    for pk in institutions:
        by_department: dict[str, list[int]] = {}
        for user_id, department_id in memberships:
            if (pk, user_id) in recused or user_id in last_team[pk]:
                continue
            by_department.setdefault(str(department_id), []).append(user_id)
        roster[str(pk)] = {d: sorted(u) for d, u in by_department.items()}
    return roster


def _ratio(ratio) -> Decimal | None:
    if ratio in (None, ""):
        return None
    try:
        value = Decimal(str(ratio))
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or not 0 < value <= 1:
        raise ValidationError({"ratio": _("Give a ratio above 0 and at most 1 (e.g. 0.1).")})
    return value.quantize(Decimal("0.0001"))


@transaction.atomic
def draw_make(
    *,
    actor,
    share,
    count: int | None = None,
    filters: dict | None = None,
    seed: str = "",
    ratio=None,
    weighted: bool = False,
) -> Draw:
    """Draw `count` institutions of the district (filtered), or `ratio` of them, optionally
    weighted by risk, and their inspectors."""
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != share.bureau_id:
        raise PermissionDenied
    if not membership_may(membership, "draw.make"):
        raise PermissionDenied
    pool = draw_pool(bureau=share.bureau, filters=filters or {})
    ratio = _ratio(ratio)
    if ratio is not None:
        if count:
            raise ValidationError({"ratio": _("Give a count or a ratio, not both.")})
        count = math.ceil(ratio * len(pool))
    if count is None:
        raise ValidationError({"count": _("Give the number of institutions to draw.")})
    if count < 1:
        raise ValidationError({"count": _("Draw at least one institution.")})
    if count > len(pool):
        raise ValidationError(
            {
                "count": _("Only %(n)s institutions match the filters: draw at most %(n)s.")
                % {"n": len(pool)}
            }
        )
    seed = seed or secrets.token_hex(16)
    weights = risk_weights(bureau=share.bureau, pool=pool) if weighted else {}
    targets = draw_targets(seed=seed, pool=pool, count=count, weights=weights)
    roster = _roster(bureau=share.bureau, institutions=targets)
    result = draw_compute(
        seed=seed, pool=pool, count=count, roster=roster, weights=weights, chosen=targets
    )
    packed_ids = pack_ids(pool)
    packed_weights = pack_ids(weights[str(pk)] for pk in pool) if weights else b""
    draw = Draw(
        share=share,
        seed=seed,
        algorithm=WEIGHTED if weighted else ALGORITHM,
        filters=clean_filters(filters),
        pool_size=len(pool),
        pool_digest=pool_digest(packed_ids, packed_weights),
        count=count,
        ratio=ratio,
        roster=roster,
        result=result,
        drawn_by=actor,
    )
    draw.full_clean()
    draw.save()
    # The packed pool: one row, its digest already on the audited draw.
    DrawPool.objects.dangerously_unaudited().bulk_create(
        [DrawPool(draw=draw, ids=packed_ids, weights=packed_weights)]
    )
    return draw


def draw_replay(draw: Draw) -> dict:
    """Recompute the draw from its recorded seed, pool and roster; `matches` is False when the
    recorded result is not what they give (the draw was tampered with)."""
    if draw.algorithm not in ALGORITHMS:
        return {"matches": False, "recomputed": [], "reason": "unknown algorithm"}
    stored = DrawPool.objects.filter(draw_id=draw.pk).first()
    if stored is None:
        return {"matches": False, "recomputed": [], "reason": "pool missing"}
    ids, packed_weights = bytes(stored.ids), bytes(stored.weights)
    if pool_digest(ids, packed_weights) != draw.pool_digest:
        return {"matches": False, "recomputed": [], "reason": "pool does not match its digest"}
    draw.pool_data = stored
    pool, weights = draw.pool, draw.weights
    if len(pool) != draw.pool_size:
        return {"matches": False, "recomputed": [], "reason": "pool size differs"}
    if (draw.algorithm == WEIGHTED) != bool(weights):
        return {"matches": False, "recomputed": [], "reason": "weights do not fit the algorithm"}
    recomputed = draw_compute(
        seed=draw.seed,
        pool=pool,
        count=draw.count,
        roster=draw.roster,
        weights=weights if draw.algorithm == WEIGHTED else None,
    )
    return {"matches": recomputed == draw.result, "recomputed": recomputed, "reason": ""}
