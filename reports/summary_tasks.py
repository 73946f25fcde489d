"""The periodic job that keeps the roll-ups' summary table fresh (reports.summaries). Loaded by
the worker through CELERY_IMPORTS (config/settings/base.py), scheduled by beat."""

import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from reports import summaries


@shared_task
def summaries_refresh(today: str | None = None, full: bool = False) -> dict:
    """Every 15 minutes: recompute the districts written since the last run (all of them on
    the first run of a day)."""
    # A platform job (bureaus.rls): every district's figures.
    with acting(system_actor("summaries_refresh")), rls.platform_access("job summaries_refresh"):
        return summaries.summary_refresh(
            today=dt.date.fromisoformat(today) if today else None, full=full
        )
