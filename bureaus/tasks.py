import datetime as dt

from celery import shared_task

from bureaus import health, rls, services
from bureaus.context import acting, system_actor


@shared_task
def audit_seal_days(today: str | None = None) -> dict:
    """Daily: seal the finished days of the audit trail and re-verify the retention window.
    `today` (ISO date) is for re-running a past day; beat leaves it empty."""
    # A platform job: the whole audit trail is sealed day by day (bureaus.rls).
    with acting(system_actor("audit_seal_days")), rls.platform_access("job audit_seal_days"):
        return services.audit_seal_days(today=dt.date.fromisoformat(today) if today else None)


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Every minute from beat: proves beat schedules and a worker runs (see /healthz)."""
    health.heartbeat_record()
