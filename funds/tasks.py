import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from funds.services import periodic, reconcile


def _day(today: str | None):
    return dt.date.fromisoformat(today) if today else None


@shared_task
def funds_periodic(today: str | None = None) -> dict:
    """Hourly: deemed confirmations and refunds, then warnings for every open account."""
    # A platform job (bureaus.rls): every district's escrow accounts.
    with acting(system_actor("funds_periodic")), rls.platform_access("job funds_periodic"):
        return periodic.funds_periodic(today=_day(today))


@shared_task
def funds_reconcile(today: str | None = None) -> dict:
    """Nightly: balances against the sum of entries; a mismatch is a warning, never a fix."""
    # A platform job (bureaus.rls): every district's ledger.
    with acting(system_actor("funds_reconcile")), rls.platform_access("job funds_reconcile"):
        return reconcile.ledger_reconcile(today=_day(today))
