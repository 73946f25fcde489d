"""The benchmark harness (issue 11): the app served as deployed, measured over HTTP beside the
SQL it runs.

- `Server`: gunicorn as deployed (config/gunicorn.conf.py, as the Dockerfile runs it: one
  sync worker a CPU, at least 2) with the production settings
  (bench/bench_settings.py adds only the SQL capture); the production secrets are throwaway
  values set here, and the HTTPS redirect is off for the loopback address; the access log is
  written (as deployed) to /dev/null.
- `measure(endpoint, sizes…)`: one captured request per endpoint (its statements pickled by
  the capture middleware), then a bounded load at concurrency 1, 4 and 8 — wrk (C, one
  event-loop thread, keep-alive connections: it takes a few percent of a core, where Python
  client threads took a good part of one of the two cores they measured), or Python threads
  each with its own connection when wrk is not installed — for the HTTP p50/p95 and
  requests/s, and the captured statements re-run through psycopg for the SQL p50.
- `report(rows)`: one table with queries per request, p50/p95, requests/s, SQL p50, HTTP ÷ SQL
  and the growth of p95 from the base data size to the larger one.
- `floor(cookie, bureau)`: the FLOOR row, the cheapest authenticated API request (the acting
  bureau's own record) through the same middleware chain, authentication and permission
  table: the framework's fixed cost per request, shown beside each endpoint.

Every bench/*.py that measures pages or APIs uses it; they set the data up, then call
`run(endpoints, sizes)` with a function that brings the data to each size.
"""

import http.client
import os
import pickle
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _load import WRK, Endpoint, load
from _load import get as _get
from _profile import profile
from _setup import ROOT

# JIANGUAN_BENCH_CONCURRENCY=1 (or "1,4"): only those client counts, for a quick comparison.
CONCURRENCY = tuple(
    int(c) for c in os.environ.get("JIANGUAN_BENCH_CONCURRENCY", "1,4,8").split(",") if c
)
# The deployment's gunicorn configuration; workers × threads as it sets them.
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
_DEPLOYED = runpy.run_path(str(GUNICORN_CONF))
WORKERS, THREADS = _DEPLOYED["workers"], _DEPLOYED["threads"]
# Requests per measurement, after a warm-up: bounded so `make bench` stays within minutes (wrk
# runs for whole seconds, at least one). At one client, enough that the p95 is not a handful
# of requests: its growth from one size to the next is a target (issue 11).
REQUESTS = {1: 500, 4: 160, 8: 160}
WARM_UP = 10
SQL_ROUNDS = 200
# Only these kinds of endpoint ("api,page"; default: all), e.g. JIANGUAN_BENCH_KINDS=api.
KINDS = {k for k in os.environ.get("JIANGUAN_BENCH_KINDS", "").split(",") if k}
# The base data size only (no growth figures), to iterate fast: JIANGUAN_BENCH_BASE_ONLY=1.
BASE_ONLY = os.environ.get("JIANGUAN_BENCH_BASE_ONLY", "") not in ("", "0")
FLOOR = "FLOOR (bureau detail API)"
# JIANGUAN_BENCH_SMALL=1: only the base size, a tenth of it (a quick look while working on the
# Python cost; the figures for the README come from the full run).
SMALL = os.environ.get("JIANGUAN_BENCH_SMALL") == "1"
# JIANGUAN_BENCH_PROFILE=N: instead of the HTTP load, each endpoint served N times in this
# process (production settings, WSGI handler, no network) under cProfile, its top functions
# printed.
PROFILE = int(os.environ.get("JIANGUAN_BENCH_PROFILE") or 0)

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-deployment-0123456789abcdef",
    "JIANGUAN_FIELD_ENCRYPTION_KEY": "bench-only-field-key",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
    # One address drives every client here: the per-address limit would measure the limiter.
    "JIANGUAN_SEARCH_RATE_PER_MINUTE": "100000000",
    "JIANGUAN_TIPOFF_RATE_PER_MINUTE": "100000000",
}


def django_setup():
    """Django in this process with the server's settings (same secret key, so the sessions
    made here are valid there)."""
    os.environ.update(ENVIRONMENT)
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()


def session_cookie(user) -> str:
    """A signed-in session for `user`, made as django.contrib.auth.login would."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def floor(cookie: str, bureau) -> Endpoint:
    """The cheapest authenticated API request: the acting bureau's own record (one small row
    after the user and memberships), through every middleware, DRF's authentication and the
    permission table. What an endpoint costs above it is its own work."""
    return Endpoint(FLOOR, "api", f"/api/v1/bureaus/{bureau.pk}/", {}, cookie)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the app with production settings on a free loopback port."""

    def __init__(self):
        self.port = _free_port()
        self.sql_dir = Path(tempfile.mkdtemp(prefix="jianguan-bench-sql-"))
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            **ENVIRONMENT,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
            "JIANGUAN_BENCH_SQL_DIR": str(self.sql_dir),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-c",
                str(GUNICORN_CONF),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                os.devnull,
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.sql_dir, ignore_errors=True)


def capture(server: Server, endpoint: Endpoint, label: str) -> list:
    """The statements one request of the endpoint runs (SQL and parameters)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    status = _get(conn, endpoint, {"X-Bench-Capture": label})
    conn.close()
    if status != 200:
        raise RuntimeError(f"{endpoint.name}: HTTP {status}")
    with open(server.sql_dir / f"{label}.pickle", "rb") as f:
        return pickle.load(f)  # noqa: S301 - written by our own server into our temp dir


def sql_p50(statements: list) -> float:
    """Median time of one request's statements re-run in order through psycopg (client-side
    binding and JIT off, as the application's connections), rows fetched."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        options=db.get("OPTIONS", {}).get("options", ""),
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    ) as conn:
        rounds = []
        for n in range(SQL_ROUNDS + 3):
            started = time.perf_counter()
            with conn.cursor() as cursor:
                for sql, params, many in statements:
                    if many:
                        continue  # a read-only request runs no executemany
                    cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()
            if n >= 3:
                rounds.append((time.perf_counter() - started) * 1000)
    return statistics.median(rounds)


def _writes(statements) -> list[str]:
    return [
        sql.split()[0]
        for sql, _params, _many in statements
        if sql.split()[0].upper() not in {"SELECT", "WITH"}
    ]


def measure(server: Server, endpoints: list[Endpoint], size_label: str) -> list[dict]:
    rows = []
    for number, endpoint in enumerate(endpoints):
        if KINDS and endpoint.kind not in KINDS:
            continue
        # Every worker's every thread connected first: a thread's first request also runs its
        # connection set-up (pg_type look-ups), which is not the endpoint's SQL.
        load(server, endpoint, WORKERS * THREADS, 4 * WORKERS * THREADS)
        statements = capture(server, endpoint, f"{size_label.replace(',', '')}-{number}")
        statements = [st for st in statements if "FROM pg_type" not in st[0]]
        if os.environ.get("JIANGUAN_BENCH_VERBOSE"):
            for sql, _params, _many in statements:
                print(f"    {sql[:150]}")
        writes = _writes(statements)
        if writes:
            # e.g. a detail page marks its notifications read: not re-run (it would change
            # the data), and said so.
            print(f"  note: {endpoint.name} also runs {', '.join(writes)} (not re-run)")
        sql = sql_p50([st for st in statements if not _writes([st])])
        for concurrency in CONCURRENCY:
            load(server, endpoint, concurrency, WARM_UP)
            figures = load(server, endpoint, concurrency, REQUESTS[concurrency])
            row = {
                "endpoint": endpoint.name,
                "kind": endpoint.kind,
                "size": size_label,
                "concurrency": concurrency,
                "queries": len(statements),
                "sql_p50": sql,
                "ratio": figures["p50"] / sql if sql else float("nan"),
                **figures,
            }
            rows.append(row)
            print(_line(row), flush=True)
    return rows


HEADER = (
    f"{'endpoint':<34} {'size':>9} {'c':>2} {'q':>3} {'p50 ms':>8} {'p95 ms':>8} "
    f"{'req/s':>7} {'SQL ms':>7} {'HTTP÷SQL':>8} {'growth':>7}"
)


def _line(row) -> str:
    growth = f"{row['growth']:.2f}×" if row.get("growth") else ""
    return (
        f"{row['endpoint']:<34} {row['size']:>9} {row['concurrency']:>2} {row['queries']:>3} "
        f"{row['p50']:8.1f} {row['p95']:8.1f} {row['rps']:7.1f} {row['sql_p50']:7.2f} "
        f"{row['ratio']:7.1f}× {growth:>7}"
    )


def run(endpoints_for, sizes, prepare) -> list[dict]:
    """For each (label, size): `prepare(size)` brings the data to that size, then every
    endpoint of `endpoints_for(size)` is measured against one gunicorn. The p95 of the last
    size over the first's is each row's growth."""
    if SMALL:
        sizes = [(f"{size // 10:,}", size // 10) for _label, size in sizes[:1]]
    rows = []
    if BASE_ONLY:
        sizes = sizes[:1]
    # Stopped from outside: leave through Server.__exit__, so gunicorn stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with Server() as server:
        print(
            f"gunicorn, {WORKERS} workers × {THREADS} threads, production settings, "
            f"port {server.port}; "
            f"{os.cpu_count()} CPUs (shared); load generator: "
            f"{'wrk' if WRK else 'Python threads'}; load average {_loadavg()}",
            flush=True,
        )
        print(HEADER, flush=True)
        for label, size in sizes:
            prepare(size)
            print(f"{label}: load average {_loadavg()}", flush=True)
            if PROFILE:
                profile(endpoints_for(size), rounds=PROFILE, warm_up=WARM_UP, kinds=KINDS)
                continue
            rows += measure(server, endpoints_for(size), label)
        print(f"end: load average {_loadavg()}", flush=True)
    if PROFILE:
        return rows
    first, last = sizes[0][0], sizes[-1][0]
    base = {(r["endpoint"], r["concurrency"]): r for r in rows if r["size"] == first}
    for row in rows:
        if row["size"] == last and last != first:
            row["growth"] = row["p95"] / base[(row["endpoint"], row["concurrency"])]["p95"]
    print("\n" + HEADER)
    for row in rows:
        print(_line(row))
    _write_markdown(rows)
    return rows


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _write_markdown(rows):
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    name = Path(sys.argv[0]).stem
    lines = [
        "| endpoint | size | concurrency | queries | p50 ms | p95 ms | req/s | SQL p50 ms | "
        "HTTP ÷ SQL | growth (p95) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        growth = f"{r['growth']:.2f}×" if r.get("growth") else ""
        lines.append(
            f"| {r['endpoint']} | {r['size']} | {r['concurrency']} | {r['queries']} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['rps']:.0f} | {r['sql_p50']:.2f} | "
            f"{r['ratio']:.1f}× | {growth} |"
        )
    (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(label: str, ok: bool, detail: str):
    """One line of the issue's "must show", met or not."""
    print(f"  [{'met' if ok else 'MISSED'}] {label}: {detail}")


def check_python_cost(rows, size):
    """Issue 11's target at `size`, concurrency 1: each HTTP p50 within 3× the SQL time of the
    same work for an API, 5× for a page; beside it, what the endpoint costs above the FLOOR
    row (the fixed cost of any authenticated request)."""
    at_one = [r for r in rows if r["size"] == size and r["concurrency"] == 1]
    floor_p50 = next((r["p50"] for r in at_one if r["endpoint"] == FLOOR), None)
    if floor_p50 is not None:
        print(f"  floor at {size}, c=1: p50 {floor_p50:.1f} ms")
    for r in at_one:
        if r["endpoint"] != FLOOR:
            if not r["queries"]:
                print(f"  [—] {r['endpoint']}: no SQL (answered from Redis), no ratio")
                continue
            limit = 3 if r["kind"] == "api" else 5
            above = "" if floor_p50 is None else f"; {r['p50'] - floor_p50:.1f} ms above the floor"
            check(
                f"{r['endpoint']} p50 within {limit}× SQL",
                r["ratio"] <= limit,
                f"{r['p50']:.1f} ms / {r['sql_p50']:.2f} ms = {r['ratio']:.1f}×{above}",
            )
