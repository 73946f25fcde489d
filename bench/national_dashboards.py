"""Dashboards and roll-ups on a national dataset (issue 16 item 7), over HTTP beside the SQL.

The dataset (made by bench/_national_data.py): 31 provinces, 330 cities, 3,000 districts,
500,000 institutions, 2,000,000 tip-offs, 1,000,000 inspection visits and 500,000
rectification notices, 20,000 escrow accounts with 10,000,000 ledger entries — every count
times JIANGUAN_BENCH_SCALE (default 1; the bureau tree is always whole). Made with INSERT …
SELECT generate_series (set-based, no ORM row by row), named 基准… so a re-run finds it and
only tops it up.

Measured:
- the district dashboard (an officer: live figures) and the city's and province's roll-ups
  (their supervisors: the summary table), by gunicorn with production settings at
  concurrency 1, 4, 8, beside the SQL p50 of the same statements (bench/harness.py);
- the national roll-up (every province side by side, from the summary table) and the summary
  refresh (full, then incremental after one write), timed in-process beside their SQL time.

Run: `scripts/bench.sh bench/national_dashboards.py` (JIANGUAN_BENCH_SCALE=0.02 for a quick
run). Targets: district dashboard p95 ≤ 150 ms, province roll-up p95 ≤ 500 ms, national
roll-up ≤ 1 s.
"""

import statistics
import time

from harness import Endpoint, check, django_setup, run, session_cookie

django_setup()

from _national_data import COUNTS, SCALE, district_ids, fill, make_tree  # noqa: E402
from _setup import bench_member, percentile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bureaus import rls  # noqa: E402
from bureaus.context import acting, system_actor  # noqa: E402
from bureaus.models import Bureau  # noqa: E402
from reports import summaries  # noqa: E402

TIMES: dict[str, tuple[float, float, int]] = {}


def _timed(label, function):
    """Wall time and the SQL time of the statements it ran (CaptureQueriesContext)."""
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = function()
        wall = (time.perf_counter() - started) * 1000
    sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    TIMES[label] = (wall, sql, len(captured.captured_queries))
    return result


def refresh_times():
    with acting(system_actor("bench")), rls.platform_access("bench: summary refresh"):
        _timed(
            "summary refresh (full, first: 12 months)",
            lambda: summaries.summary_refresh(full=True),
        )
        _timed("summary refresh (full, daily)", lambda: summaries.summary_refresh(full=True))
        _timed("summary refresh (nothing written)", lambda: summaries.summary_refresh())
        first = Bureau.objects.get(pk=district_ids()[0])
        from institutions.models import Institution

        Institution.objects.create(bureau=first, name="基准机构新", category="arts")
        _timed("summary refresh (one district written)", lambda: summaries.summary_refresh())


def fill_and_refresh(size):
    """The dataset, then the summary refresh timed on it (the roll-ups read the summary)."""
    fill(size)
    refresh_times()


def national_rollup_times(rounds=20):
    walls = []
    with rls.platform_access("bench: national roll-up"):
        for _i in range(rounds):
            _timed("national roll-up", lambda: summaries.rollup(bureau=None))
            walls.append(TIMES["national roll-up"][0])
    return statistics.median(walls), percentile(walls, 95)


def main():
    make_tree()
    ids = district_ids()
    district = Bureau.objects.get(pk=ids[0])
    city, province = district.parent, district.parent.parent
    users = {
        name: bench_member(name, bureau, role)
        for name, bureau, role in (
            ("bench_nat_officer", district, "officer"),
            ("bench_nat_city", city, "supervisor"),
            ("bench_nat_province", province, "supervisor"),
        )
    }
    cookies = {name: session_cookie(user) for name, user in users.items()}

    def endpoints(_size):
        return [
            Endpoint("district dashboard", "page", "/reports/", {}, cookies["bench_nat_officer"]),
            Endpoint("city roll-up", "page", "/reports/", {}, cookies["bench_nat_city"]),
            Endpoint("province roll-up", "page", "/reports/", {}, cookies["bench_nat_province"]),
            Endpoint(
                "province roll-up export",
                "page",
                "/reports/export.xlsx",
                {},
                cookies["bench_nat_province"],
            ),
        ]

    label = f"scale-{SCALE:g}"
    rows = run(endpoints, [(label, SCALE)], fill_and_refresh)
    median, p95 = national_rollup_times()
    print(
        f"\nnational data set at scale {SCALE:g}: "
        + ", ".join(f"{v:,} {k}" for k, v in COUNTS.items())
    )
    print("in-process timings (wall ms, SQL ms, queries):")
    for name, (wall, sql, queries) in TIMES.items():
        print(f"  {name:<40} {wall:9.1f} {sql:9.1f} {queries:5}")
    print(f"  national roll-up p50 {median:.1f} ms, p95 {p95:.1f} ms")
    print("\nissue 16, must show:")
    for r in rows:
        if r["concurrency"] != 1:
            continue
        limit = {"district dashboard": 150, "province roll-up": 500}.get(r["endpoint"])
        if limit:
            check(
                f"{r['endpoint']} p95 ≤ {limit} ms",
                r["p95"] <= limit,
                f"{r['p95']:.1f} ms (SQL p50 {r['sql_p50']:.2f} ms)",
            )
    check("national roll-up ≤ 1 s", p95 <= 1000, f"p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
