import datetime as dt

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from inspections import warnings
from inspections.services import figures, notices


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


@shared_task
def figures_and_warnings_rebuild() -> dict:
    """Nightly: every share's figures anew and every institution's inspection warnings
    re-derived (idempotent). Writes keep both current as they happen; this catches what no
    inspections write sees, such as an institution moved to another street in the registry."""
    with (
        acting(system_actor("inspections_figures_rebuild")),
        rls.platform_access("job inspections figures_and_warnings_rebuild"),
    ):
        return {
            "figure_rows": figures.figures_rebuild(),
            "institutions_changed": warnings.sync_all(),
        }
