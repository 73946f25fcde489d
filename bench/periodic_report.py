"""A district's progress report (进展情况, seed 001 篇1) end to end: its figures as of a past
month end read from the registry's history, the text filled, tables, render, seal, number,
sign, store and register, as the scheduled job does (reports.periodic.services.report_issue).

Data: one district of INSTITUTIONS institutions (set-based inserts, reused across runs), each
with licences and one to three status changes. Prints the figures' SQL time (the captured
statements re-run through the cursor) beside the whole report's time (target: a 2-page report
≤ 1 s). Run: DATABASE_URL=... .venv/bin/python bench/periodic_report.py
"""

import datetime as dt
import os
import statistics
import tempfile
import time

os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="jianguan-bench-reports-"))

from _setup import bench_districts, django_setup, percentile

django_setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bureaus.context import acting, system_actor  # noqa: E402
from documents import services as documents  # noqa: E402
from institutions import selectors as institution_selectors  # noqa: E402
from institutions.models import Credential, Institution, StatusChange  # noqa: E402
from reports.models import ReportKind  # noqa: E402
from reports.periodic import content, services  # noqa: E402

INSTITUTIONS = 20_000
RUNS = 10
PERIOD_START = dt.date(2026, 1, 1)
AS_OF = dt.date(2026, 10, 31)


def fill(bureau):
    """Institutions with a history, inserted set-wise (benchmark data: unaudited)."""
    have = Institution.objects.filter(bureau=bureau).count()
    if have >= INSTITUTIONS:
        return
    statuses = ["normal", "suspended", "banned", "closed", "normal", "normal"]
    categories = ["arts", "sports", "science", "academic", "vocational"]
    rows = [
        Institution(
            bureau=bureau,
            name=f"基准报告机构{n:06d}",
            category=categories[n % len(categories)],
            profit="non_profit",
            status=statuses[n % len(statuses)],
        )
        for n in range(have, INSTITUTIONS)
    ]
    for row in rows:
        row.refresh_derived()
    made = Institution.objects.dangerously_unaudited().bulk_create(rows, batch_size=2000)
    credentials, changes = [], []
    for i, inst in enumerate(made):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 600)
        if inst.status != "banned":
            credentials.append(
                Credential(
                    institution=inst, kind="school_licence", number=f"L{inst.pk}", issued_on=day
                )
            )
        credentials.append(
            Credential(
                institution=inst,
                kind="business_licence",
                number=f"B{inst.pk}",
                issued_on=day - dt.timedelta(days=30),
            )
        )
        changes.append(
            StatusChange(
                institution=inst,
                from_status="preparing",
                to_status="normal",
                reason="基准",
                decided_on=day,
            )
        )
        if inst.status != "normal":
            changes.append(
                StatusChange(
                    institution=inst,
                    from_status="normal",
                    to_status=inst.status,
                    reason="基准",
                    decided_on=day + dt.timedelta(days=90),
                )
            )
    Credential.objects.dangerously_unaudited().bulk_create(credentials, batch_size=5000)
    StatusChange.objects.dangerously_unaudited().bulk_create(changes, batch_size=5000)


def sql_time(bureau) -> float:
    """The figures' statements, captured once and re-run through the cursor (best of 5)."""
    with CaptureQueriesContext(connection) as captured:
        institution_selectors.registry_figures_as_of(
            bureau_ids=[bureau.pk], period_start=PERIOD_START, as_of=AS_OF
        )
    best = []
    for _ in range(5):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                cursor.execute(query["sql"])
                cursor.fetchall()
        best.append(time.perf_counter() - started)
    return min(best), len(captured.captured_queries)


def main():
    _city, (bureau,) = bench_districts(1)
    with acting(system_actor("bench")):
        started = time.perf_counter()
        fill(bureau)
        took = time.perf_counter() - started
        print(f"data: {INSTITUTIONS} institutions with history ({took:.1f} s)")
        sql, statements = sql_time(bureau)
        run = time.time_ns()
        report = services.report_owe(
            bureau=bureau, kind=ReportKind.PROGRESS, due_on=dt.date(2026, 11, 13)
        )
        times, pages = [], 0
        for n in range(RUNS + 1):  # the first is a warm-up (WeasyPrint's import, the key)
            started = time.perf_counter()
            # What report_issue does, under a key of this run (an issued report is never
            # issued again): figures, text, tables, render, seal, number, sign, store.
            arguments = content.report_document(report=report)
            arguments["idempotency_key"] = f"bench:{run}:{n}"
            document = documents.document_issue(
                actor=None, bureau=bureau, subject=report, **arguments
            )
            if n:
                times.append(time.perf_counter() - started)
            pages = document.pages
        print(
            f"figures as of {AS_OF} ({statements} statements): SQL {sql * 1000:.1f} ms; "
            f"{pages}-page progress report end to end ({RUNS} runs): "
            f"median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {percentile(times, 95) * 1000:.0f} ms (target ≤ 1000 ms)"
        )
        if os.environ.get("JIANGUAN_BENCH_PROFILE"):
            # Where one report's time goes (cProfile: the standard library's, no dependency).
            import cProfile
            import pstats

            profile = cProfile.Profile()
            arguments = content.report_document(report=report)
            arguments["idempotency_key"] = f"bench:{run}:profile"
            profile.runcall(
                documents.document_issue, actor=None, bureau=bureau, subject=report, **arguments
            )
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
