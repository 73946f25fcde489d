"""Background jobs of the reports app: thin, they call services."""

import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
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
