"""Inspections at scale (issue 13): campaign statistics for a province of 100 districts over
HTTP (bench/harness.py), the notices' periodic job over 1,000,000 notices, and a random draw
of 1,000 targets from a pool of 100,000 institutions — each beside the time its SQL takes.

Run with `make bench` (or scripts/bench.sh bench/inspections.py). One campaign issued by the
province, a share in each of its 100 districts; visits with their nine checklist answers and
notices are made with INSERT … SELECT generate_series (a million audited ORM saves would
measure the set-up). Statistics at 20,000 visits / 200,000 notices, then 100,000 visits /
1,000,000 notices, requested as the province supervisor (API and page). The job then runs
twice on the 1,000,000 notices (steady state: notices past their deadline were marked and
escalated on earlier days, today's newly overdue and soon-due ones are new). The draw runs
in the first district, which also holds 100,000 operating institutions.

Issue 13 targets: statistics p95 ≤ 500 ms; the job < 10 s; the draw < 1 s.
"""

import datetime as dt
import os
import time

from harness import Endpoint, check, django_setup, run, session_cookie

django_setup()

from _setup import bench_districts, bench_member  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bureaus import rls  # noqa: E402
from bureaus.context import acting, system_actor  # noqa: E402
from bureaus.models import Bureau  # noqa: E402
from inspections.models import (  # noqa: E402
    Campaign,
    CampaignItem,
    CampaignShare,
    ChecklistTemplate,
    Inspection,
    RectificationNotice,
)
from inspections.services import draws, figures  # noqa: E402
from inspections.tasks import notices_chase  # noqa: E402
from institutions.models import Institution  # noqa: E402

DISTRICTS = 100
SIZES = [
    # Labels as the harness names its captures: the number of visits (notices: 10 each).
    ("20,000", 20_000),
    ("100,000", 100_000),
]
NOTICES_PER_VISIT = 10
INSTITUTIONS_PER_DISTRICT = 100
POOL = 100_000
DRAW = 1_000
AREAS = [
    "证照资质",
    "场所安全",
    "收费管理",
    "培训内容",
    "从业人员",
    "广告宣传",
    "预收费",
    "食品卫生",
    "其他",
]


class SqlTimer:
    """The time spent in the database (every statement, as the driver returns) while on."""

    def __init__(self):
        self.seconds, self.statements = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


def tree():
    city, districts = bench_districts(DISTRICTS)
    province = city.parent
    supervisor = bench_member("bench_province_supervisor", province, "supervisor")
    officer = bench_member("bench_inspections_officer", districts[0], "officer")
    with acting(system_actor("bench")):
        template = ChecklistTemplate.objects.get_or_create(name="基准检查清单", bureau=None)[0]
        today = timezone.localdate()
        campaign, made = Campaign.objects.get_or_create(
            bureau=province,
            name="基准省校外培训专项检查",
            defaults={
                "kind": "special",
                "template": template,
                "template_version": 1,
                "starts_on": today - dt.timedelta(days=400),
                "ends_on": today + dt.timedelta(days=400),
                "report_days": [13, 27],
            },
        )
        if made:
            for n, area in enumerate(AREAS):
                CampaignItem.objects.create(
                    campaign=campaign, area=area, text=f"{area}检查项", position=n
                )
        for district in districts:
            CampaignShare.objects.get_or_create(campaign=campaign, bureau=district)
    return province, districts, campaign, supervisor, officer


def institutions(districts):
    ids = [d.pk for d in districts]
    want = DISTRICTS * INSTITUTIONS_PER_DISTRICT + POOL
    have = Institution.objects.filter(bureau_id__in=ids).count()
    if have >= want:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The first INSTITUTIONS_PER_DISTRICT × DISTRICTS spread over every district, the
        # rest (the draw's pool) in the first district; one in eight with a warning.
        cursor.execute(
            """
            INSERT INTO institutions_institution (
              name, name_initials, credit_code, organization_form, category, department, profit,
              delivery, audience_preschool, audience_compulsory, audience_highschool, status,
              address, contact_name, contact_phone, warning_codes, created_at, updated_at,
              bureau_id, street_id, search_bigrams)
            SELECT '基准检查机构' || g, 'JZJCJG', '93' || lpad(g::text, 14, '0') || 'X',
              'company', 'academic', 'education', 'for_profit', 'offline', false, true, false,
              'normal', '基准路' || g || '号', '', '',
              CASE WHEN g %% 8 = 0 THEN ARRAY['licence_expired']::varchar[] ELSE '{}' END,
              now(), now(),
              CASE WHEN g <= %(spread)s THEN (%(ids)s::bigint[])[1 + g %% %(n)s]
                   ELSE %(first)s END,
              NULL, '{}'
            FROM generate_series(%(start)s, %(want)s) AS g
            """,
            {
                "ids": ids,
                "n": len(ids),
                "spread": DISTRICTS * INSTITUTIONS_PER_DISTRICT,
                "first": ids[0],
                "start": have + 1,
                "want": want,
            },
        )
        cursor.execute("VACUUM ANALYZE institutions_institution")
    print(f"made {want - have:,} institutions in {time.perf_counter() - started:.1f} s")


def fill(campaign, districts, issuer, visits_wanted):
    """Visits (nine answers each, one in three with a violation) and their notices, spread
    over every district's share, up to `visits_wanted` visits."""
    shares = dict(campaign.shares.values_list("bureau_id", "pk"))
    have = Inspection.objects.filter(share__campaign=campaign).count()
    if have >= visits_wanted:
        return
    started = time.perf_counter()
    ids = [d.pk for d in districts]
    items = list(campaign.items.order_by("position").values_list("pk", flat=True))
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM inspections_inspection")
        (last_visit,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO inspections_inspection (
              bureau_id, share_id, institution_id, complaint_id, planned_on, unannounced,
              started_at, ended_at, personnel_times, vehicle_trips, status, outcome, summary,
              representative_name, representative_role, representative_acknowledged_at,
              representative_refused, created_at, updated_at)
            SELECT b.bureau_id, b.share_id,
              (SELECT i.id FROM institutions_institution i WHERE i.bureau_id = b.bureau_id
                 ORDER BY i.id OFFSET (g / %(n)s) %% %(per)s LIMIT 1),
              NULL, %(today)s::date - (g %% 300), g %% 3 = 0,
              now() - (g %% 300) * interval '1 day', now() - (g %% 300) * interval '1 day'
                + interval '2 hours', 2 + g %% 5, g %% 3, 'concluded',
              CASE WHEN g %% 3 = 0 THEN 'rectify' WHEN g %% 97 = 0 THEN 'suspend'
                   ELSE 'compliant' END,
              '', '', '', NULL, false, now(), now()
            FROM generate_series(%(start)s, %(want)s) AS g
            JOIN unnest(%(ids)s::bigint[], %(shares)s::bigint[]) WITH ORDINALITY
              AS b(bureau_id, share_id, k) ON b.k = 1 + g %% %(n)s
            """,
            {
                "ids": ids,
                "shares": [shares[i] for i in ids],
                "n": len(ids),
                "per": INSTITUTIONS_PER_DISTRICT,
                "today": today,
                "start": have + 1,
                "want": visits_wanted,
            },
        )
        cursor.execute(
            """
            INSERT INTO inspections_finding (
              bureau_id, inspection_id, item_id, result, note, answered_by_id, answered_at)
            SELECT v.bureau_id, v.id, it.item,
              CASE WHEN v.outcome <> 'compliant' AND it.k = 1 + v.id %% 9 THEN 'violation'
                   ELSE 'ok' END,
              '', NULL, v.started_at
            FROM inspections_inspection v
            CROSS JOIN unnest(%(items)s::bigint[]) WITH ORDINALITY AS it(item, k)
            WHERE v.id > %(last)s
            """,
            {"items": items, "last": last_visit},
        )
        # Notices: most closed; the owed ones due from 400 days ago to 400 days ahead; those
        # already past their deadline were marked and escalated on their day (steady state).
        cursor.execute(
            """
            INSERT INTO inspections_rectificationnotice (
              bureau_id, inspection_id, number, status, requirements, working_days, issued_at,
              issued_by_id, reissue_count, evidence, evidence_at, review_note, verified_at,
              verified_by_id, escalated_at, city_escalated_at, document_id, sanction,
              sanction_reason, sanctioned_at, students_placed, refunded_fen, refund_students,
              updated_at, due_on, overdue_since)
            SELECT v.bureau_id, v.id, '基准整改' || v.id || '-' || k, s.status,
              '限期整改', 10, v.started_at, %(issuer)s, 0, '', NULL, '', NULL, NULL,
              CASE WHEN s.status = 'escalated' THEN now() END,
              CASE WHEN s.status = 'escalated' THEN now() END,
              NULL, '', '', NULL, 0, 0, 0, now(), s.due,
              CASE WHEN s.status = 'escalated' THEN s.due + 1 END
            FROM inspections_inspection v
            CROSS JOIN generate_series(1, %(per_visit)s) AS k
            CROSS JOIN LATERAL (
              SELECT %(today)s::date + ((v.id * 7 + k * 131) %% 800 - 400)::int AS due
            ) d
            CROSS JOIN LATERAL (
              SELECT d.due,
                CASE WHEN (v.id + k) %% 20 < 17 THEN 'closed'
                     WHEN d.due < %(today)s::date - 1 THEN 'escalated'
                     ELSE 'issued' END AS status
            ) s
            WHERE v.id > %(last)s
            """,
            {
                "issuer": issuer.pk,
                "per_visit": NOTICES_PER_VISIT,
                "today": today,
                "last": last_visit,
            },
        )
        for table in ("inspection", "finding", "rectificationnotice"):
            cursor.execute(f"VACUUM ANALYZE inspections_{table}")
    made = visits_wanted - have
    print(
        f"made {made:,} visits, {made * 9:,} answers, {made * NOTICES_PER_VISIT:,} notices "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    # Data made by INSERT … SELECT bypasses the services that keep the figures per share
    # current: rebuild them (set-based), and time one share's refresh (what a write adds).
    timer = SqlTimer()
    started = time.perf_counter()
    with (
        acting(system_actor("bench figures")),
        rls.platform_access("bench figures"),
        connection.execute_wrapper(timer),
    ):
        rows = figures.figures_rebuild()
    print(
        f"figures rebuilt for {len(shares)} shares ({rows:,} rows) in "
        f"{time.perf_counter() - started:.2f} s (SQL {timer.seconds:.2f} s)"
    )
    with acting(system_actor("bench figures")), rls.platform_access("bench figures"):
        one = []
        for _n in range(5):
            started = time.perf_counter()
            figures.figures_refresh([shares[ids[0]]])
            one.append(time.perf_counter() - started)
    print(
        f"one share's refresh (what each visit/notice write adds, in its transaction): "
        f"median {sorted(one)[2] * 1000:.1f} ms over {visits_wanted // DISTRICTS:,} visits and "
        f"{visits_wanted // DISTRICTS * NOTICES_PER_VISIT:,} notices",
        flush=True,
    )


def job(today):
    timer = SqlTimer()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        result = notices_chase(today=today.isoformat())
    return time.perf_counter() - started, timer, result


def bench_job():
    total = RectificationNotice.objects.count()
    today = timezone.localdate()
    first = job(today)
    second = job(today)
    for n, (seconds, timer, result) in enumerate((first, second), start=1):
        print(
            f"notices job, run {n}, over {total:,} notices: {seconds:.2f} s "
            f"(SQL {timer.seconds:.2f} s in {timer.statements} statements) → {result}"
        )
    check("the notices job under 10 s", first[0] < 10, f"{first[0]:.2f} s")
    nothing = {k: 0 for k in first[2]}
    check("run twice: the second changes and sends nothing", second[2] == nothing, second[2])


def bench_draw(districts, campaign, officer):
    share = campaign.shares.get(bureau=districts[0])
    officer.membership = officer.memberships.select_related("bureau").get()
    times, sql = [], []
    for n, weighted in enumerate((False, False, True, True)):
        timer = SqlTimer()
        started = time.perf_counter()
        with (
            acting(system_actor("bench draw")),
            rls.platform_access("bench draw"),
            connection.execute_wrapper(timer),
        ):
            draw = draws.draw_make(
                actor=officer, share=share, count=DRAW, seed=f"bench-{n}", weighted=weighted
            )
        times.append(time.perf_counter() - started)
        sql.append(timer.seconds)
        print(
            f"draw of {DRAW:,} from {draw.pool_size:,} ({draw.algorithm}): "
            f"{times[-1]:.2f} s (SQL {timer.seconds:.2f} s in {timer.statements} statements)"
        )
        started = time.perf_counter()
        assert draws.draw_replay(draw)["matches"]
        print(f"  replay: {time.perf_counter() - started:.2f} s")
    check("a draw of 1,000 from 100,000 under 1 s", max(times) < 1, f"{max(times):.2f} s")


def main():
    province, districts, campaign, supervisor, officer = tree()
    institutions(districts)
    if os.environ.get("INSPECTIONS_BENCH_ONLY") == "draw":  # the draw alone, in a minute
        bench_draw(districts, campaign, officer)
        return
    if os.environ.get("INSPECTIONS_BENCH_ONLY") == "figures":  # the figures' upkeep alone
        for _label, size in SIZES:
            fill(campaign, districts, officer, size)
        return
    as_province = session_cookie(supervisor)

    def endpoints(size):
        return [
            Endpoint(
                "province campaign statistics API",
                "api",
                f"/api/v1/campaigns/{campaign.pk}/statistics/",
                {},
                as_province,
            ),
            Endpoint(
                "province campaign page (district + street figures)",
                "page",
                f"/inspections/campaigns/{campaign.pk}/",
                {},
                as_province,
            ),
        ]

    rows = run(endpoints, SIZES, lambda visits: fill(campaign, districts, officer, visits))
    for r in rows:
        if r["concurrency"] == 1:
            check(
                f"{r['endpoint']} at {r['size']} p95 ≤ 500 ms",
                r["p95"] <= 500,
                f"{r['p95']:.1f} ms (SQL p50 {r['sql_p50']:.2f} ms)",
            )
    bench_job()
    bench_draw(districts, campaign, officer)
    assert Bureau.objects.filter(pk=province.pk).exists()


if __name__ == "__main__":
    main()
