"""Background jobs of the documents app: thin, they call services."""

from celery import shared_task

from bureaus import rls
from bureaus.context import acting, system_actor
from documents import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def document_job_run(job_id: int) -> int | None:
    """Render and issue one queued document; a retry after a crash issues nothing twice."""
    # A platform job like the others (bureaus.rls): the job row names its bureau, and the
    # document, its number and seal are that bureau's.
    with (
        acting(system_actor(f"document_job_run:{job_id}")),
        rls.platform_access("job document_job_run"),
    ):
        document = services.document_job_run(job_id=job_id)
    return document.pk if document else None
