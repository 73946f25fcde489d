"""JIANGUAN_BENCH_PROFILE=N (bench/harness.py): instead of the HTTP load, each endpoint served N
times in the benchmark's process (the server's settings, Django's WSGI handler, no network)
under cProfile, its top functions printed and the profile kept under bench/out/."""

import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from _load import Endpoint
from _setup import ROOT


def profile(endpoints: list[Endpoint], *, rounds: int, warm_up: int, kinds: set):
    """Each endpoint served `rounds` times through Django's WSGI handler in this process (the
    server's settings; templates, URL conf and static manifest warmed by a first request),
    under cProfile: the wall time a request and the functions that take it."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import reset_queries

    handler = WSGIHandler()

    def environ(endpoint):
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": endpoint.path,
            "QUERY_STRING": urlencode(endpoint.params, doseq=True),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_LANGUAGE": "zh-hans",
            "HTTP_COOKIE": endpoint.cookie,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }

    def serve(endpoint):
        response = handler(environ(endpoint), lambda status, headers, exc=None: None)
        b"".join(response)
        response.close()
        return response.status_code

    for number, endpoint in enumerate(endpoints):
        if kinds and endpoint.kind not in kinds:
            continue
        for _ in range(warm_up):
            status = serve(endpoint)
        if status != 200:
            raise RuntimeError(f"{endpoint.name}: HTTP {status}")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(rounds):
            serve(endpoint)
        profiler.disable()
        took = (time.perf_counter() - started) * 1000 / rounds
        dump = ROOT / "bench" / "out" / f"profile-{Path(sys.argv[0]).stem}-{number}.pstats"
        profiler.dump_stats(dump)
        reset_queries()
        plain, cpu = [], []
        for _ in range(rounds):
            begun, begun_cpu = time.perf_counter(), time.process_time()
            serve(endpoint)
            plain.append((time.perf_counter() - begun) * 1000)
            cpu.append((time.process_time() - begun_cpu) * 1000)
        # The CPU time of this process (not PostgreSQL's, not Redis's): the request's Python
        # cost, which other work on a shared machine stretches far less than the wall time.
        print(
            f"\n== {endpoint.name}: {statistics.median(plain):.2f} ms a request in process, "
            f"{statistics.median(cpu):.2f} ms of it CPU time (p50s of {rounds}; "
            f"{took:.2f} ms profiled; {dump.name})",
            flush=True,
        )
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        print(out.getvalue(), flush=True)
