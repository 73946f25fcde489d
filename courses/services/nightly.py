"""The nightly rule run over every accepted course (a calendar, vacation, price, setting or
staff change can make an accepted course break a rule): set-based, and idempotent — a second
run with nothing changed writes nothing.

The session rules (end times, rest days) are evaluated in SQL over the sessions from `today`
on (a past session cannot be moved); the course rules run the same functions as a filing
(courses.rules) over each course's fields. A course's broken rules are kept on it
(`Course.violations`, the staff list's rule filter); an institution's warnings are the union
over its accepted courses, set through institutions.extensions."""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from bureaus.models import Bureau
from core import workdays
from core.models import CalendarDay
from courses import rules
from courses.models import COMPULSORY_GRADES, Course, CourseTeacher, SchoolVacation
from courses.services.context import city_prices, province_settings
from courses.warnings import SOURCE
from institutions import extensions
from institutions.models import Credential, Institution

ACCEPTED = Course.Status.ACCEPTED


def _districts_by_province() -> dict[int | None, list[int]]:
    """District ids under each province (None: a district with no province above it)."""
    found = defaultdict(list)
    for district in Bureau.objects.filter(level=Bureau.Level.DISTRICT).select_related("parent"):
        city = district.parent
        found[city.parent_id if city else None].append(district.pk)
    return found


def _vacation_rows(district_ids) -> list[tuple[int, dt.date, dt.date]]:
    """(district, first day, last day) of every vacation that applies to these districts: the
    city's, or the province's for a year and kind the city did not enter."""
    districts = Bureau.objects.filter(pk__in=district_ids).select_related("parent")
    vacations = defaultdict(dict)
    for v in SchoolVacation.objects.all():
        vacations[v.bureau_id][(v.year, v.kind)] = v
    rows = []
    for district in districts:
        city = district.parent
        if city is None:
            continue
        merged = {**vacations.get(city.parent_id, {}), **vacations.get(city.pk, {})}
        rows += [(district.pk, v.first_day, v.last_day) for v in merged.values()]
    return rows


def _session_violations(district_ids, settings, today) -> dict[int, set[str]]:
    """Course id → broken session rules, in SQL (end times and rest days)."""
    found = defaultdict(set)

    def limit(rule_id):
        enabled, value = settings.get(rule_id, (True, None))
        return enabled, rules.RULES[rule_id].national_limit if value is None else value

    clauses = []
    params = []
    for rule_id, delivery in (("end_offline", "offline"), ("end_online", "online_live")):
        enabled, value = limit(rule_id)
        if enabled:
            clauses.append((rule_id, "c.delivery = %s AND s.ends_at > %s::time", [delivery]))
            params.append(rules.hhmm(value))
    base = (
        "SELECT DISTINCT s.course_id FROM courses_session s"
        " JOIN courses_course c ON c.id = s.course_id"
        " WHERE c.status = %s AND c.bureau_id = ANY(%s) AND s.day >= %s"
    )
    with connection.cursor() as cursor:
        for (rule_id, clause, clause_params), value in zip(clauses, params, strict=True):
            cursor.execute(
                f"{base} AND {clause}",
                [ACCEPTED, list(district_ids), today, *clause_params, value],
            )
            for (course_id,) in cursor.fetchall():
                found[course_id].add(rule_id)
        if settings.get("rest_day", (True, None))[0]:
            known = sorted(workdays.known_years())
            rest = list(
                CalendarDay.objects.filter(date__gte=today, is_working_day=False).values_list(
                    "date", flat=True
                )
            )
            vacations = _vacation_rows(district_ids)
            cursor.execute(
                f"{base} AND c.is_academic AND c.grades && %s::smallint[] AND ("  # noqa: S608
                " s.day = ANY(%s::date[])"
                " OR (NOT (extract(year FROM s.day)::int = ANY(%s::int[]))"
                "     AND extract(isodow FROM s.day) IN (6, 7))"
                " OR EXISTS (SELECT 1 FROM unnest(%s::bigint[], %s::date[], %s::date[])"
                "     AS v(bureau_id, first_day, last_day)"
                "     WHERE v.bureau_id = c.bureau_id"
                "       AND s.day BETWEEN v.first_day AND v.last_day))",
                [
                    ACCEPTED,
                    list(district_ids),
                    today,
                    sorted(COMPULSORY_GRADES),
                    rest,
                    known,
                    [v[0] for v in vacations],
                    [v[1] for v in vacations],
                    [v[2] for v in vacations],
                ],
            )
            for (course_id,) in cursor.fetchall():
                found[course_id].add("rest_day")
    return found


def _course_violations(district_ids, settings) -> dict[int, set[str]]:
    """Course id → broken course rules, by the filing's own rule functions."""
    course_rules = [
        r
        for r in rules.RULES.values()
        if r.id not in ("end_offline", "end_online", "rest_day")
        and settings.get(r.id, (True, None))[0]
    ]
    courses = list(
        Course.objects.filter(status=ACCEPTED, bureau_id__in=district_ids).only(
            "id",
            "bureau_id",
            "institution_id",
            "subject",
            "is_academic",
            "grades",
            "delivery",
            "lesson_minutes",
            "break_minutes",
            "price_per_hour_fen",
            "package_price_fen",
            "package_hours",
            "package_months",
        )
    )
    if not courses:
        return {}
    scopes = defaultdict(list)
    for institution_id, scope in Credential.objects.filter(
        institution__bureau_id__in=district_ids, kind=Credential.Kind.SCHOOL_LICENCE
    ).values_list("institution_id", "scope"):
        if scope.strip():
            scopes[institution_id].append(scope)
    teachers = defaultdict(list)
    for course_id, name, qualification, in_service in CourseTeacher.objects.filter(
        course__status=ACCEPTED, course__bureau_id__in=district_ids, course__is_academic=True
    ).values_list(
        "course_id", "staff__name", "staff__qualification_number", "staff__is_in_service_teacher"
    ):
        teachers[course_id].append(
            rules.TeacherFacts(name, bool(qualification.strip()), in_service)
        )
    city_of = dict(Bureau.objects.filter(pk__in=district_ids).values_list("pk", "parent_id"))
    prices = {city: city_prices(city) for city in set(city_of.values())}
    found = defaultdict(set)
    for course in courses:
        context = rules.Context(
            settings=settings,
            prices=prices.get(city_of.get(course.bureau_id), {}),
            licence_scope="；".join(scopes[course.institution_id]) or None,
        )
        filing = rules.Filing(course=course, teachers=teachers.get(course.id, []))
        for r in course_rules:
            if r.check(filing, context):
                found[course.id].add(r.id)
    return found


def courses_check(*, today: dt.date | None = None) -> dict:
    """Run every rule over every accepted course; update the courses whose broken rules changed
    and the warnings of their institutions. Returns counts (changed courses, institutions)."""
    today = today or timezone.localdate()
    broken: dict[int, set[str]] = defaultdict(set)
    for province_id, district_ids in _districts_by_province().items():
        settings = province_settings(province_id)
        for found in (
            _session_violations(district_ids, settings, today),
            _course_violations(district_ids, settings),
        ):
            for course_id, rule_ids in found.items():
                broken[course_id] |= rule_ids

    with transaction.atomic():
        # Courses whose stored violations differ: accepted ones with a new set, and any course
        # that still carries violations it no longer has (or is no longer accepted).
        stored = dict(
            Course.objects.filter(status=ACCEPTED)
            .exclude(violations=[])
            .values_list("id", "violations")
        )
        stored.update(
            Course.objects.exclude(status=ACCEPTED)
            .exclude(violations=[])
            .values_list("id", "violations")
        )
        changes = defaultdict(list)
        for course_id in set(stored) | set(broken):
            new = sorted(broken.get(course_id, ()))
            if sorted(stored.get(course_id, [])) != new:
                changes[tuple(new)].append(course_id)
        for new, ids in changes.items():
            Course.objects.filter(pk__in=ids).update(violations=list(new))

        # Each institution's warnings of this source: the union over its accepted courses.
        wanted = defaultdict(set)
        for institution_id, codes in (
            Course.objects.filter(status=ACCEPTED)
            .exclude(violations=[])
            .values_list("institution_id", "violations")
        ):
            wanted[institution_id].update(codes)
        prefix = f"{SOURCE}:"
        carrying = Institution.objects.filter(
            warning_codes__overlap=[f"{prefix}{r}" for r in rules.RULES]
        ).values_list("id", flat=True)
        changed = extensions.set_warnings_many(
            source=SOURCE,
            codes_by_institution={i: sorted(codes) for i, codes in wanted.items()},
            institution_ids=set(carrying) | set(wanted),
        )
    return {
        "courses_changed": sum(len(ids) for ids in changes.values()),
        "institutions_changed": changed,
    }
