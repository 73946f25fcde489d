"""Reads: campaigns and shares visible to a user, and the figures the seed summaries report
(出动人次, 车次, institutions inspected, violations by area, notices issued/closed/overdue)."""

from django.db.models import Count, Q, Sum

from inspections.models import (
    Campaign,
    CampaignShare,
    Finding,
    Inspection,
    RectificationNotice,
)

N = RectificationNotice.Status
STARTED = [Inspection.Status.IN_PROGRESS, Inspection.Status.CONCLUDED]


def share_list(*, user):
    return CampaignShare.objects.visible_to(user).select_related("campaign", "bureau")


def campaign_list(*, user):
    return Campaign.objects.visible_to(user).select_related("bureau")


def statistics(shares) -> dict:
    """The figures for a set of shares (one district's share, or every share of a campaign the
    user sees): per district and in total. Four grouped queries whatever the number of
    districts."""
    share_ids = list(shares.values_list("pk", flat=True))
    visits = (
        Inspection.objects.filter(share_id__in=share_ids, status__in=STARTED)
        .values("bureau_id", "bureau__name")
        .annotate(
            visits=Count("pk"),
            institutions=Count("institution_id", distinct=True),
            personnel_times=Sum("personnel_times"),
            vehicle_trips=Sum("vehicle_trips"),
            suspended=Count("pk", filter=Q(outcome=Inspection.Outcome.SUSPEND)),
            banned=Count("pk", filter=Q(outcome=Inspection.Outcome.BAN)),
        )
    )
    notices = (
        RectificationNotice.objects.filter(inspection__share_id__in=share_ids)
        .values("bureau_id")
        .annotate(
            issued=Count("pk"),
            closed=Count("pk", filter=Q(status=N.CLOSED)),
            overdue=Count("pk", filter=Q(overdue_since__isnull=False) & ~Q(status=N.CLOSED)),
        )
    )
    areas = (
        Finding.objects.filter(inspection__share_id__in=share_ids, result=Finding.Result.VIOLATION)
        .values("bureau_id", "item__area")
        .annotate(n=Count("pk"))
        .order_by("item__area")
    )
    names = dict(shares.values_list("bureau_id", "bureau__name"))
    empty = {
        "visits": 0,
        "institutions": 0,
        "personnel_times": 0,
        "vehicle_trips": 0,
        "suspended": 0,
        "banned": 0,
        "issued": 0,
        "closed": 0,
        "overdue": 0,
    }
    rows = {
        bureau_id: {"district": name, **empty, "areas": {}} for bureau_id, name in names.items()
    }
    for row in visits:
        rows[row["bureau_id"]].update({k: row[k] or 0 for k in empty if k in row})
    for row in notices:
        rows[row["bureau_id"]].update({k: row[k] for k in ("issued", "closed", "overdue")})
    for row in areas:
        rows[row["bureau_id"]]["areas"][row["item__area"]] = row["n"]
    total = {k: sum(r[k] for r in rows.values()) for k in empty}
    total_areas: dict[str, int] = {}
    for r in rows.values():
        for area, n in r["areas"].items():
            total_areas[area] = total_areas.get(area, 0) + n
    total["areas"] = dict(sorted(total_areas.items()))
    return {
        "districts": sorted(rows.values(), key=lambda r: r["district"]),
        "total": total,
    }


def campaign_statistics(*, user, campaign) -> dict:
    return statistics(CampaignShare.objects.visible_to(user).filter(campaign=campaign))
