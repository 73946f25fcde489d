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


def _production_env(**extra):
    db = settings.DATABASES["default"]
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 64 + "-production-like-secret",
        "DJANGO_ALLOWED_HOSTS": "jianguan.example.org",
        "JIANGUAN_FIELD_ENCRYPTION_KEY": "y" * 64,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        **extra,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path, **headers):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(
            "GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def _dockerfile_manage_steps() -> list[str]:
    """The Dockerfile's RUN step that calls manage.py, as written: its `export` of the build-time
    settings and its manage.py commands (the rest, file ownership inside the image, is left)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = text.splitlines()
    runs = [line[4:] for line in lines if line.startswith("RUN ") and "manage.py" in line]
    assert len(runs) == 1, runs
    parts = [part.strip() for part in runs[0].split("&&")]
    return [part for part in parts if part.startswith("export ") or "manage.py" in part]


@pytest.fixture(scope="module")
def dockerfile_build(tmp_path_factory):
    """The image's compilemessages and collectstatic, exactly as the Dockerfile runs them: with
    production settings and only what the Dockerfile itself sets (no secrets, no database). Run
    once for the module: both tests below read what it built."""
    static_root = tmp_path_factory.mktemp("image") / "static"
    steps = _dockerfile_manage_steps()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "JIANGUAN_", "DATABASE_", "REDIS_"))
    }
    env.update(
        PATH=f"{os.path.dirname(sys.executable)}:{env.get('PATH', '')}",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_STATIC_ROOT=str(static_root),
    )
    result = subprocess.run(
        ["bash", "-ec", " && ".join(steps)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return steps, result, static_root


def test_dockerfile_manage_steps_run_as_written(dockerfile_build):
    """Why: compilemessages ran without the build secrets, so the image never built, while the
    production-path test passed them to both commands."""
    steps, result, static_root = dockerfile_build
    assert any("compilemessages" in step for step in steps)
    assert any("collectstatic" in step for step in steps)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "vendor/chartjs/chart.umd.min.js" in (static_root / "staticfiles.json").read_text()


def test_production_path_runs_for_real(db, dockerfile_build):
    """The image's build steps (compilemessages, collectstatic with production settings and
    WhiteNoise's manifest, as the Dockerfile runs them) and gunicorn with production settings
    against the test database.
    Why: production `collectstatic` failed on a missing source map, and had never been run."""
    _steps, result, static_root = dockerfile_build
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (static_root / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest
    env = _production_env(DJANGO_STATIC_ROOT=str(static_root))

    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        import time

        for _ in range(100):
            try:
                status, _headers, body = _get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        assert status == 200 and '"database": "ok"' in body
        status, headers, body = _get(
            port, "/accounts/login/", Host="jianguan.example.org", X_Forwarded_Proto="https"
        )
        assert status == 200
        assert "登录" in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" in headers
        # Static files come from the manifest (hashed names), served by WhiteNoise.
        css = body.split('href="/static/vendor/bootstrap/')[1].split('"')[0]
        assert css != "bootstrap.min.css"
        status, _headers, _body = _get(
            port,
            f"/static/vendor/bootstrap/{css}",
            Host="jianguan.example.org",
            X_Forwarded_Proto="https",
        )
        assert status == 200
        # No debug page: an unknown address is the friendly 404.
        status, _headers, body = _get(
            port, "/no-such-page/", Host="jianguan.example.org", X_Forwarded_Proto="https"
        )
        assert status == 404 and "Traceback" not in body and "不存在" in body
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "Booting worker" in output


def test_make_run_web_server_bounds_database_connections(db):
    """`make run`'s web server (gunicorn, dev settings, 2 workers × 4 threads, CONN_MAX_AGE=0)
    under 16 concurrent clients: every request answered, never more than 8 connections of its
    own. Why: runserver with CONN_MAX_AGE=60 exhausted PostgreSQL's 100 within seconds."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    env = _production_env(DJANGO_SETTINGS_MODULE="config.settings.dev")
    for name in ("DJANGO_DEBUG", "DJANGO_CONN_MAX_AGE", "DJANGO_ALLOWED_HOSTS"):
        env.pop(name, None)
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    done = threading.Event()

    def watch():
        nonlocal peak
        try:
            with connection.cursor() as cursor:
                while not done.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    peak = max(peak, cursor.fetchone()[0])
                    time.sleep(0.02)
        finally:
            connection.close()  # this thread's own connection

    try:
        for _ in range(100):
            try:
                assert _get(port, "/healthz")[0] == 200
                break
            except OSError:
                time.sleep(0.2)
        watcher = threading.Thread(target=watch)
        watcher.start()
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(lambda _: _get(port, "/healthz")[0], range(160)))
        done.set()
        watcher.join()
        assert statuses == [200] * 160
        assert 0 < peak <= 8, peak
        # Static files without collectstatic, and no debug page.
        assert _get(port, "/static/vendor/bootstrap/bootstrap.min.css")[0] == 200
        status, _headers, body = _get(port, "/no-such-page/")
        assert status == 404 and "Traceback" not in body and "不存在" in body
    finally:
        done.set()
        process.terminate()
        process.wait(timeout=30)


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
