"""Background jobs delivered at least once (core.models.BackgroundJob): each delivery claims the
job, each step of progress ticks it, so a user sees "interrupted, retrying" rather than a job
queued forever when a worker dies. Bookkeeping, not domain data: written without audit events
(the job's start and result are audited by the app's own saves)."""

from django.db.models import F
from django.utils import timezone


def _rows(job_or_model, pk):
    model = job_or_model if isinstance(job_or_model, type) else type(job_or_model)
    manager = model.objects
    rows = manager.filter(pk=pk)
    return rows.dangerously_unaudited() if hasattr(rows, "dangerously_unaudited") else rows


def job_claim(model, pk):
    """A delivery of the job's task begins: count the attempt. Returns the job, or None when it
    does not exist or is already finished (a redelivered task then does nothing)."""
    job = model.objects.filter(pk=pk).first()
    if job is None or job.is_finished:
        return None
    _rows(model, pk).update(attempts=F("attempts") + 1, progress_at=timezone.now())
    job.refresh_from_db(fields=["attempts", "progress_at"])
    return job


def job_progress(job, **fields) -> None:
    """A step of progress (and any counters given), visible to the job's page at once."""
    fields["progress_at"] = timezone.now()
    _rows(job, job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
