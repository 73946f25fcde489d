import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from inspections.services import notices


@shared_task
def notices_chase(today: str | None = None) -> dict:
    """Daily: remind, mark overdue and escalate rectification notices (idempotent).
    `today` (ISO date) is for re-running a past day; beat leaves it empty."""
    # A platform job (bureaus.rls): every district's notices, escalated to their supervisors.
    with (
        acting(system_actor("inspections_notices_chase")),
        rls.platform_access("job inspections notices_chase"),
    ):
        return notices.notices_chase(today=dt.date.fromisoformat(today) if today else None)
