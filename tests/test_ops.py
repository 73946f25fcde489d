"""Operations: health check, production settings, the compose file, the Celery beat job
through a real worker."""

import datetime as dt
import os
import shutil
import subprocess
import sys
import time

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from bureaus import health
from bureaus.tasks import heartbeat
from tests.conftest import ROOT, celery_worker_process


def test_healthz_reports_database_and_redis(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("status", "database", "redis")} == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
    }


def test_healthz_reports_background_jobs_through_a_real_worker(client, db):
    """No heartbeat yet: background work is reported stale (the web stays in service); once a
    worker has run beat's heartbeat, it is ok, with the age and the queue lengths."""
    cache.delete(health.HEARTBEAT_KEY)
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["celery"] == "stale"
    assert body["celery_heartbeat_age_seconds"] is None and "celery" in body["queues"]
    with celery_worker_process() as queue:
        heartbeat.apply_async(queue=queue)
        for _ in range(100):
            if health.heartbeat_age() is not None:
                break
            time.sleep(0.2)
    body = client.get("/healthz").json()
    assert body["celery"] == "ok" and body["celery_heartbeat_age_seconds"] <= 30


def test_a_stuck_background_shows_on_the_administrators_home(tree, client):
    cache.delete(health.HEARTBEAT_KEY)
    client.force_login(tree.user("a", "admin"))
    assert 'data-testid="background-problem"' in client.get("/").content.decode()
    health.heartbeat_record()
    assert 'data-testid="background-problem"' not in client.get("/").content.decode()
    cache.delete(health.HEARTBEAT_KEY)
    client.force_login(tree.user("a", "officer"))
    assert 'data-testid="background-problem"' not in client.get("/").content.decode()


def test_healthz_reports_redis_down(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    from django.core.cache import caches

    caches._settings = None  # re-read CACHES
    try:
        response = client.get("/healthz")
    finally:
        caches._settings = None
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")


def test_compose_file_is_valid():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "DATABASE_URL" in env and "REDIS_URL" in env
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert compose["volumes"]
    if shutil.which("docker-compose"):
        result = subprocess.run(
            ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SECRET_KEY": "x",
                "POSTGRES_PASSWORD": "x",
                "JIANGUAN_FIELD_ENCRYPTION_KEY": "x",
                "JIANGUAN_DB_APP_PASSWORD": "x",
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_beat_schedules_the_audit_seal():
    entry = settings.CELERY_BEAT_SCHEDULE["audit-seal-days"]
    assert entry["task"] == "bureaus.tasks.audit_seal_days"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_audit_seal_runs_through_a_real_worker(tree, as_system):
    """The beat job, sent through Redis to a separate `celery worker` process that writes to
    the test database."""
    from bureaus.models import AuditSeal, Street
    from bureaus.tasks import audit_seal_days

    Street.objects.create(bureau=tree.a, name="worker街道")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with celery_worker_process() as queue:
        result = audit_seal_days.apply_async(kwargs={"today": tomorrow}, queue=queue)
        assert result.get(timeout=60) == {"sealed": 1, "verified": 0, "tampered": 0}
    assert AuditSeal.objects.count() == 1


def test_demo_data_only_where_the_settings_allow_it(settings, db):
    """make run's settings allow the demo accounts (DEBUG stays off there); production's never."""
    from django.core.management import CommandError, call_command

    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ALLOW_DEMO_DATA, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["True", "False"]


def test_long_jobs_have_a_queue_and_a_worker_of_their_own(settings):
    """Imports, documents and reports go to the long queue; sweeps stay on the default one;
    make run and the compose file start a worker for each."""
    from config.celery_app import app

    def queue_of(name):
        return app.amqp.router.route({}, name, (), {})["queue"].name

    assert queue_of("institutions.tasks.import_run") == "long"
    assert queue_of("documents.tasks.document_job_run") == "long"
    assert queue_of("complaints.tasks.complaints_mark_overdue") == "celery"
    assert queue_of("bureaus.tasks.heartbeat") == "celery"
    settings.CELERY_LONG_QUEUE = "imports-only"
    assert queue_of("institutions.tasks.import_run") == "imports-only"
    assert "long" in settings.CELERY_QUEUES_WATCHED
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    commands = [" ".join(service.get("command", [])) for service in compose.values()]
    assert any("-Q celery" in c for c in commands) and any("-Q long" in c for c in commands)
    run = (ROOT / "scripts/run.sh").read_text()
    assert "-Q celery" in run and '-Q "${JIANGUAN_LONG_QUEUE:-long}"' in run
