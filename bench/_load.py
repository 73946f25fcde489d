"""The load a benchmark puts on the served app (bench/harness.py): one endpoint's requests from
`concurrency` clients, each on its own keep-alive connection — wrk when it is installed (C, one
event-loop thread: a few percent of a core), else Python threads — for the p50/p95 latency and
the throughput."""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from _setup import percentile

if TYPE_CHECKING:
    from harness import Server  # the served app: its port and its scratch folder

# …at most this long: an endpoint at 1 request/s would otherwise hold `make bench` for minutes
# (the figures then come from fewer requests).
MAX_SECONDS = 12
# The load generator: wrk when installed (scripts/bootstrap-system.sh), else Python threads.
WRK = shutil.which("wrk")


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


def get(conn: http.client.HTTPConnection, endpoint: Endpoint, extra=None) -> int:
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
            status = get(conn, endpoint)
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
