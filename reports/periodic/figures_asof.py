"""The figures of one district's report, read through the other apps' selectors: the registry
as it stood at a past month end (institutions.selectors.registry_figures_as_of) and, for a
campaign, the district's inspection figures (inspections.selectors.share_statistics)."""

import datetime as dt

from inspections import selectors as inspection_selectors
from institutions import selectors as institution_selectors


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def month_end_before(day: dt.date) -> dt.date:
    """The last day of the month before `day` (截止到…月底)."""
    return day.replace(day=1) - dt.timedelta(days=1)


def report_figures(*, bureau, period_starts_on, as_of, due_on, campaign_id=None) -> dict:
    """The values of every placeholder of a report, and the rows of its tables."""
    registry = institution_selectors.registry_figures_as_of(
        bureau_ids=[bureau.pk], period_start=period_starts_on, as_of=as_of
    )
    values = {
        "bureau_name": bureau.name,
        "period_start": date_text(period_starts_on),
        "as_of_date": date_text(as_of),
        "as_of_month_end": f"{as_of.year}年{as_of.month}月底",
        "due_date": date_text(due_on),
        **{k: v for k, v in registry.items() if k != "by_category"},
    }
    campaign = None
    if campaign_id is not None:
        campaign = inspection_selectors.share_statistics(
            bureau_id=bureau.pk, campaign_id=campaign_id
        )["total"]
        values.update(
            visits=campaign["visits"],
            institutions_inspected=campaign["institutions"],
            personnel_times=campaign["personnel_times"],
            vehicle_trips=campaign["vehicle_trips"],
            notices_issued=campaign["issued"],
            notices_closed=campaign["closed"],
            notices_overdue=campaign["overdue"],
        )
    return {"values": values, "by_category": registry["by_category"], "campaign": campaign}
