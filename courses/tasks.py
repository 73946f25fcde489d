"""Background jobs of the courses app: thin, they call services."""

import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from courses.services import nightly


@shared_task
def courses_check(today: str | None = None) -> dict:
    """Nightly: the rules over every accepted course; warnings follow (idempotent)."""
    # A platform job: every district's courses, and the cities' and provinces' reference data.
    with acting(system_actor("courses_check")), rls.platform_access("job courses_check"):
        return nightly.courses_check(today=dt.date.fromisoformat(today) if today else None)
