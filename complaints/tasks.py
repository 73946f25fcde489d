import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from complaints.services import overdue


@shared_task
def complaints_mark_overdue(today: str | None = None) -> dict:
    """Hourly: mark overdue tip-offs and supervision orders, notify, expire unclaimed rewards.
    `today` (ISO date) is for re-running a past day; beat leaves it empty."""
    # A platform job: every district's tip-offs (bureaus.rls).
    with (
        acting(system_actor("complaints_mark_overdue")),
        rls.platform_access("job complaints_mark_overdue"),
    ):
        return overdue.complaints_mark_overdue(
            today=dt.date.fromisoformat(today) if today else None
        )
