"""The nightly rule run at scale (issue 15): 100,000 accepted courses with 2,000,000 sessions,
timed twice (the first run finds the violations, the second must change nothing), printed
beside the raw SQL time of the same scan of the sessions.

Target: under 60 s. Sizes: COURSES (default 100000) and SESSIONS_PER_COURSE (default 20).
Run: DATABASE_URL=... .venv/bin/python bench/courses_nightly.py  (or `make bench`)
"""

import datetime as dt
import os
import time

from _setup import bench_districts, django_setup

django_setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bureaus.context import acting, system_actor  # noqa: E402
from courses.models import Course  # noqa: E402
from courses.services import nightly  # noqa: E402
from institutions.models import Credential, Institution  # noqa: E402

COURSES = int(os.environ.get("COURSES", "100000"))
PER_COURSE = int(os.environ.get("SESSIONS_PER_COURSE", "20"))
INSTITUTIONS = max(1, COURSES // 100)


def load(districts, monday):
    """Benchmark data only: institutions through the ORM without audit rows, courses and
    sessions by INSERT … SELECT. Every 97th course ends at 20:45, every 50th meets on Saturday."""
    with acting(system_actor("bench")):
        Institution.objects.dangerously_unaudited().bulk_create(
            [
                Institution(
                    bureau=districts[n % len(districts)],
                    name=f"基准机构{n}",
                    category="academic",
                    status="normal",
                )
                for n in range(INSTITUTIONS)
            ],
            batch_size=2000,
        )
    ids = list(Institution.objects.filter(bureau__in=districts).values_list("id", "bureau_id"))
    with acting(system_actor("bench")):
        Credential.objects.dangerously_unaudited().bulk_create(
            [
                Credential(
                    institution_id=i,
                    bureau_id=b,
                    kind=Credential.Kind.SCHOOL_LICENCE,
                    number=f"基准{i}",
                    scope="语文、数学",
                )
                for i, b in ids
            ],
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO courses_course (bureau_id, institution_id, name, subject, is_academic,"
            " grades, delivery, class_size, class_hours, lesson_minutes, break_minutes,"
            " price_per_hour_fen, package_price_fen, package_hours, package_months, status,"
            " return_reasons, violations, created_at, updated_at)"
            " SELECT i.bureau_id, i.id, '基准课程' || g, 'maths', true, '{5}', 'offline', 20, 20,"
            " 45, 10, 8000, 0, 0, 0, 'accepted', '', '{}', now(), now()"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS i(id, bureau_id),"
            " generate_series(1, %s) g",
            [[i for i, _b in ids], [b for _i, b in ids], COURSES // len(ids)],
        )
        cursor.execute(
            "INSERT INTO courses_session (bureau_id, course_id, day, starts_at, ends_at)"
            " SELECT c.bureau_id, c.id,"
            " %s::date + (g * 7 + CASE WHEN c.id %% 50 = 0 THEN 5 ELSE c.id %% 5 END)::int,"
            " '18:30', CASE WHEN c.id %% 97 = 0 THEN '20:45'::time ELSE '20:00'::time END"
            " FROM courses_course c, generate_series(0, %s - 1) g"
            " WHERE c.bureau_id = ANY(%s)",
            [monday, PER_COURSE, [d.pk for d in districts]],
        )
        cursor.execute("ANALYZE courses_course; ANALYZE courses_session")


def raw_scan(today) -> tuple[float, int]:
    """The same scan in one hand-written statement: sessions from today of accepted courses
    that end after 20:30 or fall on a weekend."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT s.course_id) FROM courses_session s"
            " JOIN courses_course c ON c.id = s.course_id"
            " WHERE c.status = 'accepted' AND s.day >= %s"
            " AND (s.ends_at > '20:30' OR extract(isodow FROM s.day) IN (6, 7))",
            [today],
        )
        found = cursor.fetchone()[0]
    return time.perf_counter() - started, found


def main():
    _city, districts = bench_districts(10)
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    if not Course.objects.filter(bureau__in=districts).exists():
        started = time.perf_counter()
        load(districts, monday)
        print(f"loaded in {time.perf_counter() - started:.1f} s")
    courses = Course.objects.filter(bureau__in=districts).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM courses_session")
        sessions = cursor.fetchone()[0]
    print(f"{courses:,} courses, {sessions:,} sessions")
    with acting(system_actor("bench")):
        for label in ("first run", "second run"):
            started = time.perf_counter()
            result = nightly.courses_check(today=today)
            elapsed = time.perf_counter() - started
            print(f"nightly {label}: {elapsed:.1f} s {result}")
    elapsed, found = raw_scan(today)
    print(f"raw SQL scan of the same sessions: {elapsed:.1f} s ({found:,} courses)")


if __name__ == "__main__":
    main()
