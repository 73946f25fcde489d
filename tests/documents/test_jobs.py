"""Rendering in Celery: issued exactly once under retries and concurrency; numbers under
concurrency are different and consecutive (threads on separate connections)."""

import time

import pytest
from django.utils import timezone

from bureaus.context import acting, system_actor
from core.numbering import peek_number
from documents import services
from documents.models import DocumentJob, IssuedDocument
from tests.concurrency import run_concurrently
from tests.conftest import celery_worker_process
from tests.documents.records import NOTICE, issue


def request(tree, key="job-1", template=NOTICE):
    with acting(system_actor("tests")):
        return services.document_request(
            actor=tree.user("a", "officer"),
            bureau=tree.a,
            kind=IssuedDocument.Kind.NOTICE,
            title="关于暑期校外培训的通知",
            template=template,
            context={"paragraphs": ["请各机构自查。"]},
            idempotency_key=key,
        )


def run(job_id):
    with acting(system_actor("tests")):
        return services.document_job_run(job_id=job_id)


@pytest.mark.django_db
def test_a_redelivered_job_issues_nothing_twice(tree):
    job = request(tree)
    first = run(job.pk)
    again = run(job.pk)
    assert first.pk == again.pk
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE and job.progress == 100
    assert job.document == first and first.issued_by == tree.user("a", "officer")
    assert IssuedDocument.objects.count() == 1
    assert request(tree).pk == job.pk  # the same request again is the same job


@pytest.mark.django_db
def test_worker_died_after_issuing_the_retry_links_the_same_document(tree):
    job = request(tree)
    # The worker committed the document, then died before marking the job done.
    with acting(system_actor("tests")):
        issued = issue(tree.a, job.title, key=job.idempotency_key)
    assert run(job.pk).pk == issued.pk
    assert IssuedDocument.objects.count() == 1
    assert peek_number(bureau=tree.a, kind="notice", year=timezone.localdate().year) == 1


@pytest.mark.django_db
def test_a_failed_render_marks_the_job_and_burns_no_number(tree):
    job = request(tree, template="documents/pdf/missing.html")
    assert run(job.pk) is None
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED and job.error
    assert peek_number(bureau=tree.a, kind="notice", year=timezone.localdate().year) == 0
    # Asked for again, the failed job is queued again (not refused, not duplicated).
    assert request(tree, template="documents/pdf/missing.html").pk == job.pk
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.QUEUED and not job.error


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_one_job_issue_one_document(tree):
    job = request(tree)
    results = run_concurrently(lambda _: run(job.pk), 3)
    assert all(isinstance(r, IssuedDocument) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert IssuedDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_different_consecutive_numbers(tree):
    def one(i):
        with acting(system_actor("tests")):
            return issue(tree.a, f"通知{i}", key=f"concurrent-{i}")

    results = run_concurrently(one, 4)
    assert all(isinstance(r, IssuedDocument) for r in results), results
    assert sorted(r.serial for r in results) == [1, 2, 3, 4]
    assert len({r.number for r in results}) == 4


@pytest.mark.django_db(transaction=True)
def test_the_celery_worker_renders_the_queued_job(tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with celery_worker_process(extra_env={"DJANGO_MEDIA_ROOT": str(tmp_path)}) as queue:
        settings.CELERY_LONG_QUEUE = queue
        job = request(tree)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (DocumentJob.Status.DONE, DocumentJob.Status.FAILED):
                break
            time.sleep(0.3)
    assert job.status == DocumentJob.Status.DONE, job.error
    assert job.document.file.read().startswith(b"%PDF")
