"""The statement import as a background job: the page accepts the file (a file that does not
read is refused on the form, no job), the job checks and books it, showing progress on the
job page; a redelivered job books nothing twice; a bad line refuses the whole file with the
line-level report and nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from funds.models import LedgerEntry, StatementImport
from funds.services import statements
from funds.tasks import statement_import_run
from tests.funds.conftest import ACCOUNT_NUMBER

pytestmark = pytest.mark.django_db
HEADER = ["账号", "交易日期", "交易流水号", "交易类型", "金额", "合同编号", "摘要"]


def _csv(rows, name="回单.csv"):
    lines = [",".join(HEADER)] + [",".join(str(c) for c in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


def _deposits(n, start=0):
    return [
        [ACCOUNT_NUMBER, "2026-03-02", f"TX{i:05d}", "存入保证金", "10.00", "", ""]
        for i in range(start, start + n)
    ]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_queues_a_job_that_books_with_progress(
    tree, account_a, officer_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(statements, "PROGRESS_EVERY", 2)
    client = _client(tree.user("a", "officer"))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/funds/imports/", {"file": _csv(_deposits(5))})
    assert response.status_code == 302 and len(callbacks) == 1  # the job is queued on commit
    job = StatementImport.objects.get()
    assert job.state == "queued" and job.file and not LedgerEntry.objects.exists()
    progress = client.get(f"/funds/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert progress.lstrip().startswith('<div id="import-progress"') and "hx-get" in progress
    result = statement_import_run.apply(args=[job.pk]).get()
    assert result == {"state": "done", "lines": 5, "inserted": 5, "duplicates": 0}
    job.refresh_from_db()
    assert (job.checked, job.percent, job.finished_at is not None) == (5, 100, True)
    account_a.refresh_from_db()
    assert account_a.balance_fen == 5_000 and LedgerEntry.objects.count() == 5
    page = client.get(f"/funds/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in page and 'data-state="done"' in page  # polling stops


def test_a_redelivered_job_books_nothing_twice(tree, account_a, officer_a):
    job = statements.statement_import_create(
        actor=officer_a, bureau=tree.a, upload=_csv(_deposits(3))
    )
    statement_import_run.apply(args=[job.pk]).get()
    assert statement_import_run.apply(args=[job.pk]).get() == {"skipped": True}
    # A worker that died after booking: the record finished in the same transaction, so a
    # redelivery is skipped; one that died before: the run books what is not booked yet.
    again = statements.statement_import_create(
        actor=officer_a, bureau=tree.a, upload=_csv(_deposits(5))
    )
    StatementImport.objects.filter(pk=again.pk).update(state="running", checked=2)
    result = statement_import_run.apply(args=[again.pk]).get()
    assert (result["inserted"], result["duplicates"]) == (2, 3)
    assert LedgerEntry.objects.count() == 5


def test_a_bad_line_refuses_the_whole_file_with_its_report(tree, account_a, officer_a):
    rows = [*_deposits(3), [ACCOUNT_NUMBER, "2026-02-30", "TX9", "存入保证金", "-1", "", ""]]
    job = statements.statement_import_create(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    statement_import_run.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.state == "refused" and not LedgerEntry.objects.exists()
    assert {(e["line"], e["column"]) for e in job.errors} == {(5, "交易日期"), (5, "金额")}
    page = _client(tree.user("a", "officer")).get(f"/funds/imports/{job.pk}/").content.decode()
    assert ('data-testid="errors"' in page and "不是日期" in page) or "交易日期" in page


def test_a_file_that_does_not_read_is_refused_on_the_form(tree, account_a):
    client = _client(tree.user("a", "officer"))
    junk = SimpleUploadedFile("回单.xlsx", b"PK\x03\x04 not really a workbook")
    response = client.post("/funds/imports/", {"file": junk})
    assert response.status_code == 400 and "file" in response.context["form"].errors
    wrong = SimpleUploadedFile("回单.csv", "账号,金额\n1,2\n".encode(), "text/csv")
    response = client.post("/funds/imports/", {"file": wrong})
    assert response.status_code == 400 and "交易流水号" in response.content.decode()
    assert not StatementImport.objects.exists() and not LedgerEntry.objects.exists()


def test_a_stalled_job_shows_interrupted_and_a_redelivery_counts_its_attempt(
    tree, account_a, officer_a
):
    import datetime as dt

    from django.utils import timezone

    job = statements.statement_import_create(
        actor=officer_a, bureau=tree.a, upload=_csv(_deposits(3))
    )
    assert job.delivery_state() == "queued"
    # A worker claimed it, ticked, then died: no progress for longer than STALLED_AFTER.
    stale = timezone.now() - StatementImport.STALLED_AFTER - dt.timedelta(seconds=1)
    StatementImport.objects.filter(pk=job.pk).update(attempts=1, progress_at=stale, state="running")
    job.refresh_from_db()
    assert job.delivery_state() == "interrupted"
    page = _client(tree.user("a", "officer")).get(f"/funds/imports/{job.pk}/").content.decode()
    assert 'data-testid="job-interrupted"' in page
    # The task is delivered again: the attempt is counted and the file booked once.
    result = statement_import_run.apply(args=[job.pk]).get()
    assert result["inserted"] == 3
    job.refresh_from_db()
    assert (job.attempts, job.delivery_state()) == (2, "finished")
    assert LedgerEntry.objects.count() == 3
