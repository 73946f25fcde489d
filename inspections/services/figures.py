"""The statistics' figures per campaign share and street (ShareFigures), kept current.

Why in the same transaction and not by a periodic job: every write that changes a figure goes
through a service of this app (a visit planned, started, concluded; an answer saved; a notice
issued, moved along its workflow, marked overdue by the job), and recomputing one share's rows
is three grouped queries over that share alone (a district's part of one campaign: a few
thousand rows at most), a few milliseconds beside the write. The statistics are then exact at
every moment and need no "data as of" caveat, and a province's page reads a hundred rows per
street instead of every visit, notice and finding of the campaign.

The rows of a share are recomputed from the records (never incremented), under an advisory
lock per share held to the end of the transaction: two writers to one share take turns, and
the second recomputes after the first has committed, so neither loses the other's change.
`figures_refresh` is also how the rows are built in bulk (a migration, the benchmark's
INSERT … SELECT data): set-based, a constant number of queries for any number of shares."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from core.locks import advisory_xact_lock
from inspections.models import (
    CampaignItem,
    CampaignShare,
    Finding,
    Inspection,
    RectificationNotice,
    ShareFigures,
)
from inspections.models.figures import FIGURES
from institutions.models import Institution

N = RectificationNotice.Status
STARTED = (Inspection.Status.IN_PROGRESS, Inspection.Status.CONCLUDED)


def live_figures(share_ids) -> dict[tuple, dict]:
    """The figures counted from the records: {(share_id, street_id): {figure: n, "areas": …}}
    for every (share, street) with anything to count. Five queries, none joining the large
    tables: the shares' visits (index on share), their institutions' streets (by key), their
    notices and violations grouped by visit (index on inspection); the rest is summed here,
    so a share's refresh reads its own rows only."""
    share_ids = list(share_ids)
    rows: dict[tuple, dict] = {}

    def row(key):
        if key not in rows:
            rows[key] = {**dict.fromkeys(FIGURES, 0), "areas": {}}
        return rows[key]

    visits = list(
        Inspection.objects.filter(share_id__in=share_ids).values_list(
            "pk",
            "share_id",
            "institution_id",
            "status",
            "outcome",
            "personnel_times",
            "vehicle_trips",
        )
    )
    if not visits:
        return rows
    streets = dict(
        Institution.objects.filter(pk__in={v[2] for v in visits}).values_list("pk", "street_id")
    )
    key_of = {pk: (share_id, streets.get(institution)) for pk, share_id, institution, *_ in visits}
    institutions: dict[tuple, set] = {}
    for pk, _share, institution, status, outcome, persons, vehicles in visits:
        if status not in STARTED:
            continue
        figures = row(key_of[pk])
        figures["visits"] += 1
        figures["personnel_times"] += persons
        figures["vehicle_trips"] += vehicles
        figures["suspended"] += outcome == Inspection.Outcome.SUSPEND
        figures["banned"] += outcome == Inspection.Outcome.BAN
        institutions.setdefault(key_of[pk], set()).add(institution)
    for key, seen in institutions.items():
        rows[key]["institutions"] = len(seen)
    visit_ids = list(key_of)
    notices = (
        RectificationNotice.objects.filter(inspection_id__in=visit_ids)
        .values("inspection_id")
        .annotate(
            issued=Count("pk"),
            closed=Count("pk", filter=Q(status=N.CLOSED)),
            overdue=Count("pk", filter=Q(overdue_since__isnull=False) & ~Q(status=N.CLOSED)),
        )
        .order_by()
    )
    for g in notices:
        figures = row(key_of[g.pop("inspection_id")])
        for name, n in g.items():
            figures[name] += n
    areas = (
        Finding.objects.filter(inspection_id__in=visit_ids, result=Finding.Result.VIOLATION)
        .values_list("inspection_id", "item_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    areas = list(areas)
    area_of = dict(
        CampaignItem.objects.filter(pk__in={item for _v, item, _n in areas}).values_list(
            "pk", "area"
        )
    )
    for visit_id, item_id, n in areas:
        counted = row(key_of[visit_id])["areas"]
        counted[area_of[item_id]] = counted.get(area_of[item_id], 0) + n
    for figures in rows.values():
        figures["areas"] = dict(sorted(figures["areas"].items()))
    return rows


@transaction.atomic
def figures_refresh(share_ids, *, now: dt.datetime | None = None) -> int:
    """Recompute the rows of these shares from the records (see the module's docstring);
    returns the number of rows written. Derived data: written without audit events."""
    share_ids = sorted(set(share_ids))
    if not share_ids:
        return 0
    for share_id in share_ids:  # in order, so two refreshes never wait on each other in a cycle
        advisory_xact_lock("inspections.figures", share_id)
    now = now or timezone.now()
    shares = CampaignShare.objects.in_bulk(share_ids)
    counted = live_figures(share_ids)
    manager = ShareFigures.objects.dangerously_unaudited()
    manager.filter(share_id__in=share_ids).delete()
    manager.bulk_create(
        [
            ShareFigures(
                share=shares[share_id],
                street_id=street_id,
                refreshed_at=now,
                **figures,
            )
            for (share_id, street_id), figures in counted.items()
        ],
        batch_size=1000,
    )
    return len(counted)


@transaction.atomic
def figures_add_overdue(notice_ids) -> int:
    """The periodic job has just marked these notices overdue (each one still issued, marked
    once: core.deadlines.mark_overdue): each (share, street) row's `overdue` grows by its count,
    one grouped query and one UPDATE per row touched, instead of recomputing whole shares.
    The row exists (its notices are counted in `issued`). Returns the rows updated."""
    groups = (
        RectificationNotice.objects.filter(pk__in=list(notice_ids))
        .values("inspection__share_id", "inspection__institution__street_id")
        .annotate(n=Count("pk"))
        .order_by("inspection__share_id")
    )
    groups = list(groups)
    for share_id in sorted({g["inspection__share_id"] for g in groups}):
        advisory_xact_lock("inspections.figures", share_id)
    manager = ShareFigures.objects.dangerously_unaudited()  # derived data
    now = timezone.now()
    for g in groups:
        manager.filter(
            share_id=g["inspection__share_id"], street_id=g["inspection__institution__street_id"]
        ).update(overdue=F("overdue") + g["n"], refreshed_at=now)
    return len(groups)


def figures_rebuild() -> int:
    """Every share's rows anew (after data loaded in bulk, or an institution's street
    changed): set-based, one share batch at a time."""
    share_ids = list(CampaignShare.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(share_ids), 20):
        written += figures_refresh(share_ids[start : start + 20])
    return written
