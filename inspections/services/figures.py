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
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from core.locks import advisory_xact_lock
from inspections.models import (
    CampaignShare,
    Finding,
    Inspection,
    RectificationNotice,
    ShareFigures,
)
from inspections.models.figures import FIGURES

N = RectificationNotice.Status
STARTED = (Inspection.Status.IN_PROGRESS, Inspection.Status.CONCLUDED)


def live_figures(share_ids) -> dict[tuple, dict]:
    """The figures counted from the records: {(share_id, street_id): {figure: n, "areas": …}}
    for every (share, street) with anything to count. Four queries."""
    share_ids = list(share_ids)
    rows: dict[tuple, dict] = {}

    def row(share_id, street_id):
        key = (share_id, street_id)
        if key not in rows:
            rows[key] = {**dict.fromkeys(FIGURES, 0), "areas": {}}
        return rows[key]

    # The shares' visits first (index on share), then their notices and findings by visit
    # (index on inspection): a share's refresh reads its own rows, never the whole tables.
    visit_ids = list(Inspection.objects.filter(share_id__in=share_ids).values_list("pk", flat=True))
    if not visit_ids:
        return rows
    visits = (
        Inspection.objects.filter(pk__in=visit_ids, status__in=STARTED)
        .values("share_id", "institution__street_id")
        .annotate(
            visits=Count("pk"),
            institutions=Count("institution_id", distinct=True),
            personnel_times=Sum("personnel_times"),
            vehicle_trips=Sum("vehicle_trips"),
            suspended=Count("pk", filter=Q(outcome=Inspection.Outcome.SUSPEND)),
            banned=Count("pk", filter=Q(outcome=Inspection.Outcome.BAN)),
        )
        .order_by()
    )
    for g in visits:
        figures = row(g.pop("share_id"), g.pop("institution__street_id"))
        figures.update({k: v or 0 for k, v in g.items()})
    notices = (
        RectificationNotice.objects.filter(inspection_id__in=visit_ids)
        .values("inspection__share_id", "inspection__institution__street_id")
        .annotate(
            issued=Count("pk"),
            closed=Count("pk", filter=Q(status=N.CLOSED)),
            overdue=Count("pk", filter=Q(overdue_since__isnull=False) & ~Q(status=N.CLOSED)),
        )
        .order_by()
    )
    for g in notices:
        figures = row(g.pop("inspection__share_id"), g.pop("inspection__institution__street_id"))
        figures.update(g)
    areas = (
        Finding.objects.filter(inspection_id__in=visit_ids, result=Finding.Result.VIOLATION)
        .values("inspection__share_id", "inspection__institution__street_id", "item__area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for g in areas:
        figures = row(g["inspection__share_id"], g["inspection__institution__street_id"])
        figures["areas"][g["item__area"]] = g["n"]
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
