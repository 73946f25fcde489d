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


def test_production_settings_pass_check_deploy():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is not part of a deployment.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 64 + "-production-like-secret-for-the-check",
        "DJANGO_ALLOWED_HOSTS": "jianguan.example.org",
        "JIANGUAN_FIELD_ENCRYPTION_KEY": "y" * 64,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
