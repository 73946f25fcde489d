"""The benchmark harness (issue 11): the app served as deployed, measured over HTTP beside the
SQL it runs.

- `Server`: gunicorn (3 sync workers, as in the Dockerfile) with the production settings
  (bench/bench_settings.py adds only the SQL capture); the production secrets are throwaway
  values set here, and the HTTPS redirect is off for the loopback address.
- `measure(endpoint, sizes…)`: one captured request per endpoint (its statements pickled by
  the capture middleware), then a bounded load at concurrency 1, 4 and 8 — wrk (C, one
  event-loop thread, keep-alive connections: it takes a few percent of a core, where Python
  client threads took a good part of one of the two cores they measured), or Python threads
  each with its own connection when wrk is not installed — for the HTTP p50/p95 and
  requests/s, and the captured statements re-run through psycopg for the SQL p50.
- `report(rows)`: one table with queries per request, p50/p95, requests/s, SQL p50, HTTP ÷ SQL
  and the growth of p95 from the base data size to the larger one.

Every bench/*.py that measures pages or APIs uses it; they set the data up, then call
`run(endpoints, sizes)` with a function that brings the data to each size.
"""

import http.client
import json
import os
import pickle
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from _setup import ROOT, percentile

CONCURRENCY = (1, 4, 8)
WORKERS = 3
# Requests per measurement, after a warm-up: bounded so `make bench` stays within minutes.
REQUESTS = {1: 60, 4: 160, 8: 160}
WARM_UP = 10
# …and at most this long: an endpoint at 1 request/s would otherwise hold `make bench` for
# minutes (the figures then come from fewer requests).
MAX_SECONDS = 12
SQL_ROUNDS = 40
# The load generator: wrk when installed (scripts/bootstrap-system.sh), else Python threads.
WRK = shutil.which("wrk")
# Only these kinds of endpoint ("api,page"; default: all), e.g. JIANGUAN_BENCH_KINDS=api.
KINDS = {k for k in os.environ.get("JIANGUAN_BENCH_KINDS", "").split(",") if k}

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
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
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


@dataclass
class Endpoint:
    """One page or API request as a given user (cookie) or anonymous (cookie "")."""

    name: str
    kind: str  # "api" or "page"
    path: str
    params: dict = field(default_factory=dict)
    cookie: str = ""

    @property
    def target(self) -> str:
        query = urllib.parse.urlencode(self.params, doseq=True)
        return self.path + (f"?{query}" if query else "")


def _get(conn: http.client.HTTPConnection, endpoint: Endpoint, extra=None) -> int:
    headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
    if endpoint.cookie:
        headers["Cookie"] = endpoint.cookie
    headers.update(extra or {})
    conn.request("GET", endpoint.target, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    return response.status


# wrk's report, as one JSON line: latencies in microseconds, errors = non-2xx/3xx responses
# and socket errors.
_WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nJIANGUAN_WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d,'
    .. ' "status_errors": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def load(server: Server, endpoint: Endpoint, concurrency: int, total: int) -> dict:
    """About `total` requests from `concurrency` clients, each on its own keep-alive
    connection, within MAX_SECONDS; the p50/p95 latency and the throughput over the run."""
    if WRK:
        return _load_wrk(server, endpoint, concurrency, total)
    return _load_threads(server, endpoint, concurrency, total)


_rates: dict[tuple[str, str], float] = {}


def _load_wrk(server: Server, endpoint: Endpoint, concurrency: int, total: int) -> dict:
    """wrk runs for a duration, not a count: the duration that `total` requests take at the
    rate last seen for this endpoint (at least 1 s, at most MAX_SECONDS)."""
    key = (endpoint.name, endpoint.cookie)
    rate = _rates.get(key)
    seconds = 1 if rate is None else min(MAX_SECONDS, max(1, round(total / rate)))
    script = server.sql_dir / "report.lua"
    if not script.exists():
        script.write_text(_WRK_REPORT, encoding="utf-8")
    while True:
        report = _wrk(server, endpoint, concurrency, seconds, script)
        if report["status_errors"] or report["socket_errors"]:
            raise RuntimeError(f"{endpoint.name}: wrk reported {report}")
        if report["requests"]:
            break
        # No request finished within the run (wrk counts none still under way at its end),
        # e.g. a worker's first request on a loaded machine: again, for longer.
        if seconds >= MAX_SECONDS:
            raise RuntimeError(f"{endpoint.name}: no response within {seconds} s")
        seconds = min(MAX_SECONDS, seconds * 4)
    rps = report["requests"] / (report["duration_us"] / 1e6)
    _rates[key] = rps
    return {"p50": report["p50_us"] / 1000, "p95": report["p95_us"] / 1000, "rps": rps}


def _wrk(server: Server, endpoint: Endpoint, concurrency: int, seconds: int, script) -> dict:
    command = [
        WRK,
        "--threads",
        "1",
        "--connections",
        str(concurrency),
        "--duration",
        f"{seconds}s",  # whole seconds: wrk reads no fractions
        "--timeout",
        "60s",
        "--script",
        str(script),
        "--header",
        "Accept-Language: zh-hans",
    ]
    if endpoint.cookie:
        command += ["--header", f"Cookie: {endpoint.cookie}"]
    command.append(f"http://127.0.0.1:{server.port}{endpoint.target}")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{endpoint.name}: wrk failed: {done.stderr or done.stdout}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("JIANGUAN_WRK "))
    return json.loads(line.removeprefix("JIANGUAN_WRK "))


def _load_threads(server: Server, endpoint: Endpoint, concurrency: int, total: int) -> dict:
    """`total` requests from `concurrency` threads, each on its own connection; the latency
    of every request and the throughput over the whole run."""
    latencies, failures, lock = [], [], threading.Lock()
    remaining = [total]

    deadline = time.perf_counter() + MAX_SECONDS

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while True:
            with lock:
                if remaining[0] == 0 or time.perf_counter() > deadline:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            status = _get(conn, endpoint)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(status)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{endpoint.name}: {len(failures)} responses not 200: {failures[:3]}")
    return {
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "rps": len(latencies) / wall,
    }


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
        # Every worker connected first: a worker's first request also runs its connection
        # set-up (pg_type look-ups), which is not the endpoint's SQL.
        load(server, endpoint, 8, 24)
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
    rows = []
    # Stopped from outside: leave through Server.__exit__, so gunicorn stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with Server() as server:
        print(
            f"gunicorn, {WORKERS} workers, production settings, port {server.port}; "
            f"{os.cpu_count()} CPUs (shared); load generator: "
            f"{'wrk' if WRK else 'Python threads'}; load average {_loadavg()}",
            flush=True,
        )
        print(HEADER, flush=True)
        for label, size in sizes:
            prepare(size)
            print(f"{label}: load average {_loadavg()}", flush=True)
            rows += measure(server, endpoints_for(size), label)
        print(f"end: load average {_loadavg()}", flush=True)
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
    same work for an API, 5× for a page."""
    for r in rows:
        if r["size"] == size and r["concurrency"] == 1:
            limit = 3 if r["kind"] == "api" else 5
            check(
                f"{r['endpoint']} p50 within {limit}× SQL",
                r["ratio"] <= limit,
                f"{r['p50']:.1f} ms / {r['sql_p50']:.2f} ms = {r['ratio']:.1f}×",
            )
