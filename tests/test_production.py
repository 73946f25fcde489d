"""The production path run for real: `check --deploy`, the Dockerfile's build steps as
written, gunicorn with production settings, and `make run`'s web server bounding its database
connections."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.conftest import ROOT


def test_production_settings_pass_check_deploy():
    result = _manage(_production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in result.stdout


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


def _run(command, env):
    """`command` in a process of its own, in the project folder with `env`; it must succeed."""
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _manage(env, *command):
    return _run([sys.executable, "manage.py", *command], env)


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


def _healthz_when_up(port):
    """/healthz of the server starting on `port`, once it answers (at most 20 s)."""
    for _ in range(100):
        try:
            return _get(port, "/healthz")
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not start")


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
            "-c",
            "config/gunicorn.conf.py",
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
        status, _headers, body = _healthz_when_up(port)
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


class _ServerConnections:
    """The most database connections of the test database seen while the block runs, besides
    this test's own (its connection and the watcher's): those of the server under test."""

    def __enter__(self):
        import threading

        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            ours = cursor.fetchone()[0]
        self.peak = 0
        self._done = threading.Event()

        def watch():
            try:
                with connection.cursor() as cursor:
                    while not self._done.is_set():
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE datname = current_database()"
                            " AND pid <> pg_backend_pid() AND pid <> %s",
                            [ours],
                        )
                        self.peak = max(self.peak, cursor.fetchone()[0])
                        time.sleep(0.02)
            finally:
                connection.close()  # the watcher thread's own connection

        self._watcher = threading.Thread(target=watch)
        self._watcher.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._watcher.join()


def test_make_run_web_server_bounds_database_connections(db):
    """`make run`'s web server (gunicorn, dev settings, 2 workers × 4 threads, CONN_MAX_AGE=0)
    under 16 concurrent clients: every request answered, never more than 8 connections of its
    own. Why: runserver with CONN_MAX_AGE=60 exhausted PostgreSQL's 100 within seconds."""
    from concurrent.futures import ThreadPoolExecutor

    env = _production_env(DJANGO_SETTINGS_MODULE="config.settings.dev")
    for name in ("DJANGO_DEBUG", "DJANGO_CONN_MAX_AGE", "DJANGO_ALLOWED_HOSTS"):
        env.pop(name, None)
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert _healthz_when_up(port)[0] == 200
        with _ServerConnections() as connections, ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(lambda _: _get(port, "/healthz")[0], range(160)))
        peak = connections.peak
        assert statuses == [200] * 160
        assert 0 < peak <= 8, peak
        # Static files without collectstatic, and no debug page.
        assert _get(port, "/static/vendor/bootstrap/bootstrap.min.css")[0] == 200
        status, _headers, body = _get(port, "/no-such-page/")
        assert status == 404 and "Traceback" not in body and "不存在" in body
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_production_web_server_keeps_connections_alive_and_bounded(db):
    """The production configuration (config/gunicorn.conf.py, production settings,
    CONN_MAX_AGE=60) with threads (JIANGUAN_WEB_THREADS above 1: threaded workers) under 12
    concurrent keep-alive clients: every request answered on connections kept open,
    and never more database connections of its own than workers × threads (here 2 × 2), though
    each thread keeps its connection between requests (issue 11)."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    env = _production_env(
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        JIANGUAN_WEB_WORKERS="2",
        JIANGUAN_WEB_THREADS="2",
        JIANGUAN_WEB_ACCESS_LOG="/dev/null",
    )
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def client(_):
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            statuses = []
            for _ in range(10):
                kept.request("GET", "/healthz")
                response = kept.getresponse()
                response.read()
                statuses.append((response.status, response.getheader("Connection", "").lower()))
            return statuses
        finally:
            kept.close()

    try:
        assert _healthz_when_up(port)[0] == 200
        with _ServerConnections() as connections, ThreadPoolExecutor(max_workers=12) as pool:
            answers = [a for batch in pool.map(client, range(12)) for a in batch]
        peak = connections.peak
        # 200 each, on connections the server kept open (a sync worker closes every one).
        assert answers == [(200, "keep-alive")] * 120
        assert 0 < peak <= 4, peak
    finally:
        process.terminate()
        process.wait(timeout=30)
