"""Random draws (双随机): targets drawn from a pool of the district's institutions, inspectors
drawn per department from a roster with recusal. Everything the draw used is recorded (seed,
pool, roster, algorithm version), so a replay recomputes it and compares.

Algorithm "sha256-rank-1": each candidate is ranked by SHA-256 of "<seed>:<key>" and the
lowest ranks win; it depends on nothing but the recorded inputs (no Python `random`, whose
sequence may change between versions)."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureaus.models import Membership
from bureaus.permissions import allowed_roles, membership_may
from inspections.models import Draw, Inspection, InspectorRecusal
from institutions.models import Institution

ALGORITHM = "sha256-rank-1"
FILTERS = ("category", "street", "status")


def _rank(seed: str, key) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def draw_targets(*, seed: str, pool: list[int], count: int) -> list[int]:
    return sorted(sorted(pool, key=lambda pk: (_rank(seed, pk), pk))[:count])


def draw_compute(*, seed: str, pool: list[int], count: int, roster: dict) -> list[dict]:
    """The result of a draw from its recorded inputs: `count` institutions of `pool`, and for
    each one inspector per department from `roster[str(institution)][department]`."""
    chosen = draw_targets(seed=seed, pool=pool, count=count)
    result = []
    for pk in sorted(chosen):
        team = {}
        for department, users in sorted(roster.get(str(pk), {}).items()):
            if users:
                team[department] = min(users, key=lambda u: (_rank(seed, f"{pk}:{u}"), u))
        result.append({"institution": pk, "inspectors": team})
    return result


def draw_pool(*, bureau, filters: dict) -> list[int]:
    """The institutions of the district matching the filters, as ids in order."""
    queryset = Institution.objects.filter(bureau=bureau)
    clean = {k: v for k, v in (filters or {}).items() if k in FILTERS and v not in ("", None)}
    if clean.get("street"):
        queryset = queryset.filter(street_id=clean["street"])
    if clean.get("category"):
        queryset = queryset.filter(category=clean["category"])
    queryset = queryset.filter(status=clean.get("status") or Institution.Status.NORMAL)
    return list(queryset.order_by("pk").values_list("pk", flat=True))


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
    last_team = {}
    for pk in institutions:
        last = (
            Inspection.objects.filter(bureau=bureau, institution_id=pk)
            .exclude(status=Inspection.Status.PLANNED)
            .order_by("-planned_on", "-pk")
            .first()
        )
        last_team[pk] = set(last.inspectors.values_list("pk", flat=True)) if last else set()
    roster = {}
    for pk in institutions:
        by_department: dict[str, list[int]] = {}
        for user_id, department_id in memberships:
            if (pk, user_id) in recused or user_id in last_team[pk]:
                continue
            by_department.setdefault(str(department_id), []).append(user_id)
        roster[str(pk)] = {d: sorted(u) for d, u in by_department.items()}
    return roster


@transaction.atomic
def draw_make(*, actor, share, count: int, filters: dict | None = None, seed: str = "") -> Draw:
    """Draw `count` institutions of the district (filtered) and their inspectors."""
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != share.bureau_id:
        raise PermissionDenied
    if not membership_may(membership, "draw.make"):
        raise PermissionDenied
    pool = draw_pool(bureau=share.bureau, filters=filters or {})
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
    targets = draw_targets(seed=seed, pool=pool, count=count)
    roster = _roster(bureau=share.bureau, institutions=targets)
    result = draw_compute(seed=seed, pool=pool, count=count, roster=roster)
    draw = Draw(
        share=share,
        seed=seed,
        algorithm=ALGORITHM,
        filters={k: v for k, v in (filters or {}).items() if k in FILTERS},
        pool=pool,
        count=count,
        roster=roster,
        result=result,
        drawn_by=actor,
    )
    draw.full_clean()
    draw.save()
    return draw


def draw_replay(draw: Draw) -> dict:
    """Recompute the draw from its recorded seed, pool and roster; `matches` is False when the
    recorded result is not what they give (the draw was tampered with)."""
    if draw.algorithm != ALGORITHM:
        return {"matches": False, "recomputed": [], "reason": "unknown algorithm"}
    recomputed = draw_compute(seed=draw.seed, pool=draw.pool, count=draw.count, roster=draw.roster)
    return {"matches": recomputed == draw.result, "recomputed": recomputed, "reason": ""}
