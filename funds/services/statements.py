"""Bank statement import (CSV or .xlsx, one file per account and day; the format is in
statement_lines), run at once (`statement_import`) or as a background job
(`statement_import_create`, then `statement_import_run`).

Guarantees: a file that does not parse, or has any line in error, writes nothing and the
import says why, line by line; a line for an account that is not the importing district's is
an error with its line number (the same message whether the account is unknown or another
district's); a reference already booked is counted as a duplicate and not booked again
(unique constraint), so re-importing a file inserts 0 rows, and two imports of one file at
once serialize on the accounts' row locks (taken in id order): one books, the other finds
duplicates.

Size (issue 14: 1,000,000 lines, ~70 MB): a CSV statement may be up to
settings.STATEMENT_IMPORT_MAX_BYTES (200 MB by default), an .xlsx up to
settings.STATEMENT_XLSX_MAX_BYTES (20 MB, as other imports: calamine reads a workbook whole).
Memory stays bounded whatever the CSV's size: the upload is a temporary file on disk (Django's
TemporaryFileUploadHandler takes every file over FILE_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB), stored
and read back as a stream; the lines are read as a text stream and checked 50,000 at a time
(statement_lines.CHUNK), each checked chunk spooled to a temporary file; then, in the file's
one transaction, the spooled chunks are booked one at a time (statement_booking). What stays
in memory is one chunk, the accounts and the caches of distinct cell values."""

import pickle
import tempfile
from itertools import islice

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import spreadsheets as sheets
from core import uploads
from core.jobs import job_claim, job_progress
from funds.models import StatementImport
from funds.services import check_actor
from funds.services.statement_booking import Booking
from funds.services.statement_lines import CHUNK, COLUMNS, LineChecker

# Lines checked (and later booked) at a time; progress is reported per chunk.
PROGRESS_EVERY = CHUNK


class _Refused(Exception):
    def __init__(self, errors):
        self.errors = errors


def _check_file(upload) -> str:
    return sheets.check_large_file(
        upload,
        max_bytes=settings.STATEMENT_IMPORT_MAX_BYTES,
        xlsx_max_bytes=settings.STATEMENT_XLSX_MAX_BYTES,
    )


def _progress(record: StatementImport, **counts) -> None:
    # Progress ticks are bookkeeping, not domain data: written without an audit event
    # (core.jobs), and outside the booking transaction, so the job page sees them as they come.
    if record.pk:
        job_progress(record, **counts)
    else:
        for name, value in counts.items():
            setattr(record, name, value)


def _body(rows):
    """The non-empty rows after the header as (line number in the file, cells)."""
    text = sheets.text
    for line, cells in enumerate(rows, start=2):
        first = cells[0] if cells else None
        # A first cell with text (the account number) settles it without a call per cell.
        if (type(first) is str and first.strip()) or any(text(c) for c in cells):
            yield line, cells


def _check_lines(record: StatementImport, upload, kind: str, spool) -> set[int]:
    """Check every line, chunk by chunk, spooling the checked chunks (pickled, our own
    temporary file) for booking; returns the accounts the lines book on. Any error: every
    line is still checked, and the whole report raised (_Refused)."""
    rows = sheets.iter_rows(upload, kind)
    header = next(rows, None)
    if header is None:
        raise sheets.FileRefused(_("The file is empty."))
    checker = LineChecker(
        bureau_id=record.bureau_id, positions=sheets.check_header(header, COLUMNS)
    )
    body = _body(rows)
    errors, accounts, count = [], set(), 0
    while chunk := list(islice(body, PROGRESS_EVERY)):
        lines, chunk_errors = checker.chunk(chunk)
        errors.extend(chunk_errors)
        if not errors:
            pickle.dump(lines, spool, protocol=pickle.HIGHEST_PROTOCOL)
            accounts.update(line[1] for line in lines)
        count += len(chunk)
        _progress(record, checked=count, lines=max(record.lines, count))
    _progress(record, lines=count, checked=count, state=StatementImport.State.BOOKING)
    if errors:
        raise _Refused(errors)
    return accounts


def _spooled(spool):
    spool.seek(0)
    while True:
        try:
            yield pickle.load(spool)  # noqa: S301 (our own spool, written by _check_lines)
        except EOFError:
            return


def _process(record: StatementImport, upload, kind: str, *, actor) -> StatementImport:
    """Check every line, then book them all in one transaction that also finishes the record
    (so a run that dies books nothing, and a redelivered run finds the record finished)."""
    try:
        _progress(
            record,
            lines=sheets.count_lines(upload, kind),
            checked=0,
            state=StatementImport.State.RUNNING,
        )
        with tempfile.TemporaryFile() as spool:
            accounts = _check_lines(record, upload, kind, spool)
            with transaction.atomic():
                if record.pk:
                    # Two runs of one job (a redelivery while the first still runs) serialize
                    # here.
                    locked = StatementImport.objects.select_for_update().get(pk=record.pk)
                    if locked.is_finished:
                        return locked
                booking = Booking(accounts, actor=actor)
                for lines in _spooled(spool):
                    booking.chunk(lines)
                if booking.errors:
                    raise _Refused(booking.errors)
                booking.finish()
                record.state = StatementImport.State.DONE
                record.inserted, record.duplicates = booking.inserted, booking.duplicates
                record.finished_at = timezone.now()
                record.save()
                booking.record_trail(record)
    except sheets.FileRefused as exc:
        _refuse(record, [{"line": 0, "column": "", "message": str(exc)}])
    except _Refused as exc:
        _refuse(record, exc.errors)
    return record


def _refuse(record: StatementImport, errors: list) -> None:
    record.state = StatementImport.State.REFUSED
    record.errors = errors
    record.inserted = record.duplicates = 0
    record.finished_at = timezone.now()
    record.save()


def statement_import(*, actor, bureau, upload) -> StatementImport:
    """Import one statement file for the district at once (the API, small files); returns the
    import with its report."""
    check_actor(actor, StatementImport(bureau=bureau), "statementimport.change")
    record = StatementImport(
        bureau=bureau,
        original_name=(upload.name or "")[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        kind = _check_file(upload)
    except sheets.FileRefused as exc:
        _refuse(record, [{"line": 0, "column": "", "message": str(exc)}])
        return record
    return _process(record, upload, kind, actor=actor)


@transaction.atomic
def statement_import_create(*, actor, bureau, upload) -> StatementImport:
    """Accept a statement for import in the background: the file is checked (type, size,
    readable, header) before a job exists (sheets.FileRefused otherwise), then it is stored
    (streamed, never read whole) and the job queued after commit."""
    check_actor(actor, StatementImport(bureau=bureau), "statementimport.change")
    kind = _check_file(upload)
    header = next(sheets.iter_rows(upload, kind), None)
    if header is None:
        raise sheets.FileRefused(_("The file is empty."))
    sheets.check_header(header, COLUMNS)
    upload.seek(0)
    record = StatementImport(
        bureau=bureau,
        original_name=(upload.name or "")[:200],
        state=StatementImport.State.QUEUED,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    stamp = timezone.localtime().strftime("%Y/%m")
    record.file = default_storage.save(f"statements/{stamp}/{uploads.random_name(kind)}", upload)
    record.save()
    from funds.tasks import statement_import_run as task

    transaction.on_commit(lambda: task.delay(record.pk))  # the long-jobs queue
    return record


def statement_import_run(*, import_id: int) -> dict:
    """Run one queued import to the end; a finished import is left alone (redelivery)."""
    record = job_claim(StatementImport, import_id)  # counts the delivery (core.jobs)
    if record is None:
        return {"skipped": True}
    try:
        with default_storage.open(record.file, "rb") as stored:
            # The stored name keeps the kind's extension (uploads.random_name).
            _process(record, stored, _check_file(stored), actor=None)
    except Exception:
        if not record.is_finished:
            _refuse(
                record,
                [
                    {
                        "line": 0,
                        "column": "",
                        "message": _(
                            "The import stopped on an unexpected error; nothing was written. "
                            "Please try again or contact the administrator."
                        ),
                    }
                ],
            )
        raise
    record.refresh_from_db()
    return {
        "state": record.state,
        "lines": record.lines,
        "inserted": record.inserted,
        "duplicates": record.duplicates,
    }
