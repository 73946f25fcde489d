"""The import as a background job: accepted (file checked) by the page, run by a Celery task,
its progress polled by the page."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.models import Street
from core import uploads
from core.jobs import job_claim, job_progress
from core.spreadsheets import (
    FileRefused,
    RowResult,
    StoredUpload,
    body_rows,
    check_file,
    check_header,
    read_rows,
)
from institutions.importing.columns import COLUMNS, HEADER
from institutions.importing.plan import Plan, new_institutions, plan_rows
from institutions.importing.rows import check_row
from institutions.models import Credential, ImportJob, Institution, StatusChange

PROGRESS_EVERY = 500
CREDENTIAL_FIELDS = ("number", "issuer", "issued_on", "expires_on", "scope", "expiry_state")


def check_upload(upload) -> str:
    """The whole-file checks of a survey upload; returns its kind ("xlsx" or "csv")."""
    return check_file(upload, max_bytes=settings.INSTITUTION_IMPORT_MAX_BYTES)


def _rows(data: bytes, kind: str) -> tuple[list, dict]:
    rows = read_rows(data, kind)
    if not rows:
        raise FileRefused(_("The file is empty."))
    return rows, check_header(rows[0], COLUMNS)


@transaction.atomic
def import_job_create(*, actor, bureau, upload) -> ImportJob:
    """Accept an upload for import: the file is checked (type, size, readable, headers) before
    a job exists, and the job is queued after commit."""
    kind = check_upload(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    _rows(data, kind)
    job = ImportJob(
        bureau=bureau,
        original_name=upload.name[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    stamp = timezone.localtime().strftime("%Y/%m")
    job.file = default_storage.save(f"imports/{stamp}/{uploads.random_name(kind)}", upload)
    job.save()
    from institutions.tasks import import_run as task

    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def import_run(*, job_id: int) -> dict:
    """Run one import job to the end. A finished job is not run again."""
    job = job_claim(ImportJob, job_id)
    if job is None:
        return {"skipped": True}
    job.state = ImportJob.State.RUNNING
    job.save()
    try:
        return _run(job)
    except FileRefused as exc:
        _finish(job, state=ImportJob.State.FAILED, message=str(exc))
        return {"refused": str(exc)}
    except Exception:
        _finish(
            job,
            state=ImportJob.State.FAILED,
            message=_(
                "The import stopped on an unexpected error; nothing was written. "
                "Please try again or contact the administrator."
            ),
        )
        raise


def _finish(job, *, state, message="", **counts):
    for name, value in counts.items():
        setattr(job, name, value)
    job.state = state
    job.message = message
    job.finished_at = timezone.now()
    job.processed_rows = job.total_rows
    job.save()


def _run(job: ImportJob) -> dict:
    today = timezone.localdate()
    with default_storage.open(job.file, "rb") as f:
        data = f.read()
    kind = check_upload(StoredUpload(job.original_name, data))
    rows, positions = _rows(data, kind)
    body = body_rows(rows, positions)
    if not body:
        raise FileRefused(_("The file has headers but no rows."))
    total = len(body)
    job_progress(job, total_rows=total, processed_rows=0)
    streets = dict(Street.objects.filter(bureau_id=job.bureau_id).values_list("name", "id"))
    checked: list[RowResult] = []
    for n, (line, raw) in enumerate(body, start=1):
        checked.append(check_row(line, raw, streets=streets, today=today))
        if n % PROGRESS_EVERY == 0:
            job_progress(job, processed_rows=n)
    plan = plan_rows(job, checked, today=today)
    job_progress(job, processed_rows=total, state=ImportJob.State.WRITING)
    with transaction.atomic():
        _write(job, plan, today=today)
    errors = [
        {"row": r.line, "column": HEADER.get(key, key), "reason": str(reason)}
        for r in checked
        for key, reason in r.errors
    ]
    counts = {
        "created_count": len(plan.new),
        "updated_count": len(plan.changed),
        "unchanged_count": plan.unchanged,
        "error_count": len({e["row"] for e in errors}),
        "errors": errors,
    }
    _finish(job, state=ImportJob.State.DONE, **counts)
    return {k: v for k, v in counts.items() if k != "errors"}


def _write(job, plan: Plan, *, today):
    """All writes of one import (one transaction, every row audited)."""
    created = new_institutions(job, plan, today=today)
    Institution.objects.bulk_create([i for i, _c in created], batch_size=1000)
    for institution, credentials in created:
        for credential in credentials:
            credential.institution = institution
            plan.credentials_new.append(credential)
    if plan.changed:
        fields = sorted({f for _i, fs in plan.changed for f in fs})
        Institution.objects.bulk_update([i for i, _f in plan.changed], fields, batch_size=1000)
    Credential.objects.bulk_create(plan.credentials_new, batch_size=1000)
    if plan.credentials_changed:
        Credential.objects.bulk_update(
            plan.credentials_changed, list(CREDENTIAL_FIELDS), batch_size=1000
        )
    StatusChange.objects.bulk_create(plan.status_changes, batch_size=1000)
