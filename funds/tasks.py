import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from funds.services import periodic, reconcile, statements


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


@shared_task
def statement_import_run(import_id: int) -> dict:
    """Check and book one bank statement; safe to re-run (a finished import is left alone)."""
    # Platform: the job books into the import's own district only (its lines are checked
    # against that district's accounts).
    with (
        acting(system_actor(f"statement_import:{import_id}")),
        rls.platform_access("job statement_import_run"),
    ):
        return statements.statement_import_run(import_id=import_id)
