"""The staff tip-off inbox over 200,000 complaints, filtered by status and overdue.

Run with `make bench` (or scripts/bench.sh bench/complaints_inbox.py): a throwaway database is
migrated, 200,000 complaints are spread over 20 districts of one city (about 10,000 each), and
the inbox page and the API list are requested through Django's test client as a district
officer (one district) and as the city supervisor (all 200,000). Prints p50/p95 in ms.
Target: p95 ≤ 150 ms. Re-running reuses the rows already made.
"""

import statistics
import time

from _setup import bench_districts, django_setup, percentile

django_setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bureaus.context import acting, system_actor  # noqa: E402
from bureaus.models import Membership, User  # noqa: E402
from complaints.models import Complaint  # noqa: E402

TOTAL = 200_000
DISTRICTS = 20
RUNS = 200


def tree():
    city, districts = bench_districts(DISTRICTS)
    with acting(system_actor("bench")):
        officer, _ = User.objects.get_or_create(username="bench_officer")
        Membership.objects.get_or_create(user=officer, bureau=districts[0], role="officer")
        supervisor, _ = User.objects.get_or_create(username="bench_supervisor")
        Membership.objects.get_or_create(user=supervisor, bureau=city, role="supervisor")
    return districts, officer, supervisor


def fill(districts):
    ids = [d.pk for d in districts]
    have = Complaint.objects.filter(bureau_id__in=ids).count()
    if have >= TOTAL:
        return
    started = time.perf_counter()
    statuses = [s for s, _ in Complaint.Status.choices]
    # Straight SQL: 200,000 audited ORM saves would measure the set-up, not the inbox.
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
                "total": TOTAL,
            },
        )
        cursor.execute("ANALYZE complaints_complaint")
    print(f"made {TOTAL - have} complaints in {time.perf_counter() - started:.1f} s")


def measure(client, url, params):
    for _ in range(10):
        assert client.get(url, params).status_code == 200
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times), percentile(times, 95)


def main():
    districts, officer, supervisor = tree()
    fill(districts)
    params = {"status": "assigned", "overdue": "true"}
    for label, user in (("district officer", officer), ("city supervisor", supervisor)):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        visible = Complaint.objects.filter(
            bureau_id__in=[d.pk for d in districts] if user is supervisor else [districts[0].pk]
        )
        rows = visible.count()
        for kind, url in (("page", "/complaints/"), ("api", "/api/v1/complaints/")):
            p50, p95 = measure(client, url, params)
            verdict = "OK" if p95 <= 150 else "OVER TARGET"
            print(
                f"inbox {kind:4} {label:16} over {rows:>7} visible (of {TOTAL}) "
                f"status=assigned&overdue=true: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {verdict}"
            )


if __name__ == "__main__":
    main()
