"""The staff tip-off inbox at 200,000 and 1,000,000 tip-offs, over HTTP (bench/harness.py).

Run with `make bench` (or scripts/bench.sh bench/complaints_inbox.py): 20 districts of one
city share the tip-offs (10,000 then 50,000 each); the inbox page and API, unfiltered (as first
opened) and filtered (`?status=assigned&overdue=true`), are requested as a district officer
and as the city supervisor, with a tip-off's detail, by gunicorn with production settings at
concurrency 1, 4 and 8. Rows are made with INSERT … SELECT generate_series (200,000 audited ORM
saves would measure the set-up, not the inbox). Re-running reuses the rows already made.

Issue 11 targets: HTTP p50 at concurrency 1 within 3× the SQL for APIs and 5× for pages; the
officer's and the city's inbox p95 at 1,000,000 within 1.2× of their p95 at 200,000; the
officer's inbox API ≥ 150 requests/s at 4 clients.
"""

import time

from harness import Endpoint, check, check_python_cost, django_setup, floor, run, session_cookie

django_setup()

from _setup import bench_staff  # noqa: E402
from django.db import connection  # noqa: E402

from complaints.models import Complaint  # noqa: E402

SIZES = [("200,000", 200_000), ("1,000,000", 1_000_000)]
DISTRICTS = 20
FILTER = {"status": "assigned", "overdue": "true"}


def fill(districts, total):
    ids = [d.pk for d in districts]
    have = Complaint.objects.filter(bureau_id__in=ids).count()
    if have >= total:
        return
    started = time.perf_counter()
    statuses = [s for s, _ in Complaint.Status.choices]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO complaints_complaint (
              bureau_id, tracking_code, secret_hash, channel, external_ref, institution_name,
              institution_address, category, description, reporter_name, reporter_phone,
              status, outcome, public_reply, received_at, due_on)
            SELECT
              (%(ids)s::bigint[])[1 + (g %% %(n)s)],
              'JBBENCH' || lpad(g::text, 9, '0'),
              '', 'web', '', '基准机构' || (g %% 5000), '', 'academic', '基准举报内容', '', '',
              (%(statuses)s::text[])[1 + ((g / %(n)s) %% %(ns)s)],
              '', '',
              now() - ((g / %(n)s) %% 90) * interval '1 day',
              (now() - ((g / %(n)s) %% 90) * interval '1 day' + interval '14 days')::date
            FROM generate_series(%(start)s, %(total)s) AS g
            """,
            {
                "ids": ids,
                "n": len(ids),
                "statuses": statuses,
                "ns": len(statuses),
                "start": have + 1,
                "total": total,
            },
        )
        cursor.execute("VACUUM ANALYZE complaints_complaint")
    print(f"made {total - have:,} tip-offs in {time.perf_counter() - started:.1f} s", flush=True)


def main():
    districts, officer, supervisor = bench_staff(DISTRICTS, "bench")
    as_officer, as_city = session_cookie(officer), session_cookie(supervisor)
    one = Complaint.objects.filter(bureau=districts[0]).order_by("id").values_list("pk", flat=True)

    def endpoints(size):
        detail = one.first()
        api = "/api/v1/complaints/"
        return [
            floor(as_officer, districts[0]),
            Endpoint("officer inbox API", "api", api, {}, as_officer),
            Endpoint("officer inbox API filtered", "api", api, FILTER, as_officer),
            Endpoint("officer inbox page", "page", "/complaints/", {}, as_officer),
            Endpoint("officer inbox page filtered", "page", "/complaints/", FILTER, as_officer),
            Endpoint("city inbox API", "api", api, {}, as_city),
            Endpoint("city inbox API filtered", "api", api, FILTER, as_city),
            Endpoint("city inbox page", "page", "/complaints/", {}, as_city),
            Endpoint("tip-off detail API", "api", f"{api}{detail}/", {}, as_officer),
            Endpoint("tip-off detail page", "page", f"/complaints/{detail}/", {}, as_officer),
        ]

    rows = run(endpoints, SIZES, lambda total: fill(districts, total))
    summarize(rows)


def summarize(rows):
    print("\nissue 11, must show:")
    base, big = SIZES[0][0], SIZES[-1][0]
    check_python_cost(rows, base)
    for r in rows:
        if r.get("growth") and r["concurrency"] == 1 and "inbox" in r["endpoint"]:
            check(
                f"{r['endpoint']} p95 at {big} within 1.2× of {base}",
                r["growth"] <= 1.2,
                f"{r['growth']:.2f}×",
            )
    for r in rows:
        if r["endpoint"] == "officer inbox API" and r["concurrency"] == 4:
            check(
                f"officer inbox API ≥ 150 req/s at 4 clients ({r['size']})",
                r["rps"] >= 150,
                f"{r['rps']:.0f} req/s",
            )


if __name__ == "__main__":
    main()
