"""Background jobs delivered at least once: each delivery is counted, and a job whose worker died
reads "interrupted", then "retrying", then finishes — never "queued" forever."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bureaus.models import Street
from core.jobs import job_claim, job_progress
from institutions.importing.jobs import import_job_create
from institutions.models import ImportJob, Institution
from tests.conftest import ROOT
from tests.institutions.imports import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _job(tree, rows=1):
    data = xlsx([row(n) for n in range(1, rows + 1)])
    return import_job_create(
        actor=tree.user("a", "officer"),
        bureau=tree.a,
        upload=SimpleUploadedFile("摸排.xlsx", data),
    )


def test_each_delivery_is_counted_and_read_as_a_state(tree):
    job = _job(tree)
    assert job.delivery_state() == "queued"
    claimed = job_claim(ImportJob, job.pk)
    assert claimed.attempts == 1 and claimed.delivery_state() == "running"
    job_progress(claimed, processed_rows=1)
    later = timezone.now() + ImportJob.STALLED_AFTER + dt.timedelta(seconds=1)
    assert claimed.delivery_state(now=later) == "interrupted"
    again = job_claim(ImportJob, job.pk)
    assert again.attempts == 2 and again.delivery_state() == "retrying"
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE)
    assert job_claim(ImportJob, job.pk) is None  # a finished job is not run again


def test_the_job_page_says_interrupted_then_retrying(tree, client):
    job = _job(tree)
    client.force_login(tree.user("a", "officer"))
    url = reverse("institutions:importjob-detail", args=[job.pk])
    claimed = job_claim(ImportJob, job.pk)
    stalled = timezone.now() - ImportJob.STALLED_AFTER - dt.timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(progress_at=stalled)
    body = client.get(url).content.decode()
    assert 'data-testid="job-interrupted"' in body and "将自动重新运行" in body
    job_claim(ImportJob, claimed.pk)
    body = client.get(url).content.decode()
    assert 'data-testid="job-retrying"' in body and "第 2 次" in body


def _worker(queue, env):
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    command += ["--loglevel=WARNING", "--without-heartbeat", "--without-mingle"]
    command += ["--without-gossip", "-Q", queue, "-n", f"{queue}-{time.monotonic_ns()}@%h"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_the_job_to_a_second_delivery(
    tree, transactional_db, tmp_path, settings
):
    """SIGKILL of the worker while it checks rows: the unacknowledged task is delivered again
    once the visibility timeout passes; the second delivery finishes the import, and every
    institution is written once."""
    queue = f"jianguan-tests-kill-{os.getpid()}-{time.monotonic_ns()}"
    settings.CELERY_LONG_QUEUE = queue
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "DJANGO_MEDIA_ROOT": str(tmp_path),
        "JIANGUAN_CELERY_VISIBILITY_TIMEOUT": "3",
    }
    Street.objects.create(bureau=tree.a, name="北山街道")
    first = _worker(queue, env)
    try:
        job = _job(tree, rows=3000)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.processed_rows or job.state == ImportJob.State.WRITING:
                break
            time.sleep(0.05)
        assert not job.is_finished, "the import finished before it could be interrupted"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        job.refresh_from_db()
        assert job.attempts == 1 and not job.is_finished
        second = _worker(queue, env)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not job.is_finished:
                time.sleep(0.2)
                job.refresh_from_db()
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert job.state == ImportJob.State.DONE and job.attempts == 2
    assert job.delivery_state() == "finished"
    assert Institution.objects.filter(bureau=tree.a).count() == 3000 == job.created_count
