"""Reads: campaigns and shares visible to a user, and the figures the seed summaries report
(出动人次, 车次, institutions inspected, violations by area, notices issued/closed/overdue)."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.models import Department, Street
from core.figures import monthly_counts
from inspections.models import (
    Campaign,
    CampaignShare,
    Draw,
    Inspection,
    RectificationNotice,
    ShareFigures,
)
from inspections.models.figures import FIGURES
from institutions.models import Institution

N = RectificationNotice.Status
STARTED = [Inspection.Status.IN_PROGRESS, Inspection.Status.CONCLUDED]


def share_list(*, user):
    return CampaignShare.objects.visible_to(user).select_related("campaign", "bureau")


def campaign_list(*, user):
    return Campaign.objects.visible_to(user).select_related("bureau")


EMPTY = dict.fromkeys(FIGURES, 0)


def statistics(shares, *, by: str = "district") -> dict:
    """The figures for a set of shares (one district's share, or every share of a campaign the
    user sees): per district (`by="district"`) or per street of the institutions visited
    (`by="street"`), and in total. Read from the figures kept per share and street
    (ShareFigures, current in the same transaction as every write: services/figures.py):
    three queries whatever the number of districts, streets and visits."""
    names = dict(shares.values_list("bureau_id", "bureau__name"))
    by_street = by == "street"
    stored = ShareFigures.objects.filter(share__in=shares.values("pk")).values_list(
        "bureau_id", "street_id", *FIGURES, "areas"
    )
    rows: dict[tuple, dict] = {}

    def row_for(k):
        if k not in rows:
            rows[k] = {"district": names.get(k[0], ""), **EMPTY, "areas": {}}
        return rows[k]

    if not by_street:
        for bureau_id in names:
            row_for((bureau_id,))
    for bureau_id, street_id, *counted, areas in stored:
        row = row_for((bureau_id, street_id) if by_street else (bureau_id,))
        for k, n in zip(FIGURES, counted, strict=True):
            row[k] += n
        for area, n in areas.items():
            row["areas"][area] = row["areas"].get(area, 0) + n
    if by_street:
        street_names = dict(
            Street.objects.filter(pk__in={k[1] for k in rows if k[1] is not None}).values_list(
                "pk", "name"
            )
        )
        unassigned = _("No street")
        for k, r in rows.items():
            r["street"] = street_names.get(k[1], unassigned)
    for r in rows.values():
        r["areas"] = dict(sorted(r["areas"].items()))
    total = {k: sum(r[k] for r in rows.values()) for k in EMPTY}
    total_areas: dict[str, int] = {}
    for r in rows.values():
        for area, n in r["areas"].items():
            total_areas[area] = total_areas.get(area, 0) + n
    total["areas"] = dict(sorted(total_areas.items()))
    order = (lambda r: (r["district"], r["street"])) if by_street else (lambda r: r["district"])
    return {
        "districts" if not by_street else "streets": sorted(rows.values(), key=order),
        "total": total,
    }


def campaign_street_statistics(*, user, campaign) -> dict:
    return statistics(CampaignShare.objects.visible_to(user).filter(campaign=campaign), by="street")


def campaign_statistics(*, user, campaign) -> dict:
    return statistics(CampaignShare.objects.visible_to(user).filter(campaign=campaign))


def public_draw_results(*, limit: int = 50) -> list[dict]:
    """双随机一公开: the latest draws as the public sees them — campaign, district, date, the
    seed and algorithm (so anyone can replay), and per drawn institution its name, the
    departments drawn to inspect it and the outcome once the visit is concluded. Never the
    inspectors' names."""

    drawn = list(
        Draw.objects.select_related("share__campaign", "bureau").order_by("-drawn_at")[:limit]
    )
    institution_ids = {r["institution"] for d in drawn for r in d.result}
    department_ids = {int(k) for d in drawn for r in d.result for k in r["inspectors"]}
    names = dict(Institution.objects.filter(pk__in=institution_ids).values_list("pk", "name"))
    departments = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
    visits = {
        (v.share_id, v.institution_id): v
        for v in Inspection.objects.filter(
            share_id__in={d.share_id for d in drawn},
            institution_id__in=institution_ids,
            status=Inspection.Status.CONCLUDED,
        )
    }
    out = []
    for d in drawn:
        rows = []
        for r in d.result:
            visit = visits.get((d.share_id, r["institution"]))
            rows.append(
                {
                    "institution": names.get(r["institution"], ""),
                    "departments": [departments.get(int(k), "") for k in r["inspectors"]],
                    "visited_on": visit.planned_on if visit else None,
                    "outcome": visit.get_outcome_display() if visit else "",
                }
            )
        out.append(
            {
                "campaign": d.share.campaign.name,
                "district": d.bureau.name,
                "drawn_at": d.drawn_at,
                "seed": d.seed,
                "algorithm": d.algorithm,
                "pool_size": d.pool_size,
                "rows": rows,
            }
        )
    return out


def notice_list_for_institution(*, institution_id: int):
    """The rectification notices addressed to one institution (its portal), newest first."""
    return (
        RectificationNotice.objects.filter(inspection__institution_id=institution_id)
        .select_related("inspection")
        .order_by("-issued_at", "-pk")
    )


def notice_get_for_institution(*, institution_id: int, pk: int) -> RectificationNotice:
    """One notice addressed to the institution; a notice of any other institution raises
    RectificationNotice.DoesNotExist, exactly like one that does not exist."""
    return (
        notice_list_for_institution(institution_id=institution_id)
        .prefetch_related("findings__item")
        .get(pk=pk)
    )


def share_statistics(*, bureau_id: int, campaign_id: int) -> dict:
    """One district's figures in one campaign (人次, 车次, notices…), for its reports; read by
    background jobs acting for the platform, so scoped by the district given."""
    return statistics(
        CampaignShare.objects.filter(bureau_id=bureau_id, campaign_id=campaign_id).select_related(
            "bureau"
        )
    )


_SHARE_FIELDS = (
    "bureau_id",
    "campaign_id",
    "campaign__name",
    "campaign__starts_on",
    "campaign__ends_on",
    "campaign__report_days",
)


def share_campaign(*, bureau_id: int, campaign_id: int) -> dict | None:
    """A district's share of a campaign with the campaign's name, dates and reporting days."""
    return (
        CampaignShare.objects.filter(bureau_id=bureau_id, campaign_id=campaign_id)
        .values(*_SHARE_FIELDS)
        .first()
    )


def shares_reporting(*, since, until) -> list[dict]:
    """The districts' shares of the campaigns running at some time between two dates, with
    the campaign's reporting days (seed 002 §四: a campaign reports on its own days)."""
    return list(
        CampaignShare.objects.filter(campaign__starts_on__lte=until, campaign__ends_on__gte=since)
        .order_by("bureau_id", "campaign_id")
        .values(*_SHARE_FIELDS)
    )


# --- figures for dashboards and roll-ups (reports/) --------------------------------------------


def inspection_figures_by_bureau(*, bureau_ids, today: dt.date | None = None) -> dict:
    """Inspection figures per district (seed 001 篇3 出动人次/车次; seed 004 江津 notices):
    visits made, personnel-times, vehicle trips, the progress of the campaigns running today
    (visits concluded of those planned), rectification notices issued / open / overdue /
    closed. {bureau_id: {figure: n}}; two grouped queries whatever the number of districts."""
    today = today or timezone.localdate()
    figures: dict[int, dict] = {}
    running = Q(share__campaign__starts_on__lte=today, share__campaign__ends_on__gte=today)
    visits = (
        Inspection.objects.filter(bureau_id__in=bureau_ids)
        .values("bureau_id")
        .annotate(
            visits=Count("pk", filter=Q(status__in=STARTED)),
            personnel_times=Sum("personnel_times", filter=Q(status__in=STARTED)),
            vehicle_trips=Sum("vehicle_trips", filter=Q(status__in=STARTED)),
            campaign_planned=Count("pk", filter=running),
            campaign_concluded=Count("pk", filter=running & Q(status=Inspection.Status.CONCLUDED)),
        )
        .order_by()
    )
    for g in visits:
        figures[g["bureau_id"]] = {
            "visits": g["visits"],
            "personnel_times": g["personnel_times"] or 0,
            "vehicle_trips": g["vehicle_trips"] or 0,
            "campaign_planned": g["campaign_planned"],
            "campaign_concluded": g["campaign_concluded"],
        }
    notices = (
        RectificationNotice.objects.filter(bureau_id__in=bureau_ids)
        .values("bureau_id")
        .annotate(
            issued=Count("pk"),
            open=Count("pk", filter=~Q(status=N.CLOSED)),
            overdue=Count("pk", filter=Q(overdue_since__isnull=False) & ~Q(status=N.CLOSED)),
            closed=Count("pk", filter=Q(status=N.CLOSED)),
        )
        .order_by()
    )
    for g in notices:
        figures.setdefault(g["bureau_id"], {}).update(
            notices_issued=g["issued"],
            notices_open=g["open"],
            notices_overdue=g["overdue"],
            notices_closed=g["closed"],
        )
    return figures


def inspection_monthly_by_bureau(*, bureau_ids, since: dt.date) -> dict:
    """Visits started and notices issued per district and month since `since`:
    {bureau_id: {first day of month: {"visits": n, "notices_issued": n}}}."""
    result: dict[int, dict] = {}
    for model, field, key in (
        (Inspection, "started_at", "visits"),
        (RectificationNotice, "issued_at", "notices_issued"),
    ):
        monthly_counts(model, bureau_ids=bureau_ids, since=since, field=field, key=key, into=result)
    return result
