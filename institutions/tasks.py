"""Background jobs of the registry: thin, they call services."""

import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from institutions.importing import jobs
from institutions.services import credentials


@shared_task
def credentials_flag_expiry(today: str | None = None) -> dict:
    """Daily: flag licences expiring within 60 days and those expired (idempotent)."""
    # A platform job: every district's licences (bureaus.rls).
    with (
        acting(system_actor("credentials_flag_expiry")),
        rls.platform_access("job credentials_flag_expiry"),
    ):
        return credentials.credentials_flag_expiry(
            today=dt.date.fromisoformat(today) if today else None
        )


@shared_task
def import_run(job_id: int) -> dict:
    """Check and write one survey import; safe to re-run (a finished job is left alone)."""
    # Platform: credit codes are checked against every district (the job writes its own).
    with acting(system_actor(f"import_run:{job_id}")), rls.platform_access("job import_run"):
        return jobs.import_run(job_id=job_id)
