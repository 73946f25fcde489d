"""Background jobs of the reports app: thin, they call services."""

import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from reports import summaries
from reports.periodic import services as periodic


@shared_task(acks_late=True, reject_on_worker_lost=True)
def reports_generate_due(today: str | None = None) -> dict:
    """Hourly: generate every district's due reports once (seed 002 §四: the 13th and 27th,
    or a campaign's own days); catches up on reports missed while the worker was down."""
    # A platform job: every district's reports, each issued as that district's document.
    with (
        acting(system_actor("reports_generate_due")),
        rls.platform_access("job reports_generate_due"),
    ):
        return periodic.reports_generate_due(today=dt.date.fromisoformat(today) if today else None)


@shared_task
def summaries_refresh(today: str | None = None, full: bool = False) -> dict:
    """Every 15 minutes: keep the roll-ups' summary table fresh (reports.summaries), recomputing
    the districts written since the last run (all of them on the first run of a day)."""
    # A platform job (bureaus.rls): every district's figures.
    with acting(system_actor("summaries_refresh")), rls.platform_access("job summaries_refresh"):
        return summaries.summary_refresh(
            today=dt.date.fromisoformat(today) if today else None, full=full
        )
