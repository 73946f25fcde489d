"""Demo courses: in each demo district a few institutions with accepted courses and timetables,
one breaking each rule (found by the nightly run, so they show as warnings), one submitted and
one returned; the city's guidance prices and the province's vacations. Idempotent: a district
that already has courses is left alone."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bureaus.demo import DISTRICTS
from bureaus.models import Bureau
from courses.models import Course, CourseTeacher, GuidancePrice, SchoolVacation, Session
from courses.services import nightly
from institutions.models import Credential, Institution, Site, Staff

# (name, rule it breaks or "", overrides of the clean course, session times, weekday)
EXAMPLES = [
    ("五年级数学培优", "", {}, ("18:30", "20:00"), 2),
    ("初一语文阅读", "end_offline", {"subject": "chinese", "grades": [7]}, ("19:00", "20:45"), 3),
    (
        "线上英语口语",
        "end_online",
        {"subject": "foreign_language", "delivery": "online_live"},
        ("20:30", "21:15"),
        1,
    ),
    (
        "线上数学思维",
        "online_lesson",
        {"delivery": "online_live", "lesson_minutes": 40},
        ("19:00", "20:00"),
        4,
    ),
    ("周末数学特训", "rest_day", {}, ("09:00", "11:00"), 5),
    ("初二物理", "scope", {"subject": "physics", "grades": [8]}, ("18:30", "20:00"), 0),
    (
        "六年级数学冲刺",
        "guidance_price",
        {"price_per_hour_fen": 150_00, "grades": [6]},
        ("18:30", "20:00"),
        1,
    ),
    (
        "四年级数学年卡",
        "package",
        {"package_price_fen": 7200_00, "package_hours": 96, "package_months": 12},
        ("18:30", "20:00"),
        3,
    ),
    ("三年级数学", "teacher", {"grades": [3]}, ("18:30", "20:00"), 0),
]


def _course(institution, site, teacher, name, overrides, times, weekday, start, status):
    values = {
        "subject": "maths",
        "grades": [5],
        "delivery": "offline",
        "class_hours": 8,
        "lesson_minutes": 45,
        "break_minutes": 10,
        "price_per_hour_fen": 80_00,
        **overrides,
    }
    if values["delivery"] != "offline":
        values.setdefault("lesson_minutes", 30)
        if "lesson_minutes" not in overrides:
            values["lesson_minutes"] = 30
    course = Course.objects.create(
        institution=institution,
        name=name,
        is_academic=True,
        site=site if values["delivery"] == "offline" else None,
        status=status,
        submitted_at=timezone.now(),
        **values,
    )
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    starts, ends = (dt.time.fromisoformat(t) for t in times)
    Session.objects.bulk_create(
        [
            Session(
                course=course, day=first + dt.timedelta(weeks=w), starts_at=starts, ends_at=ends
            )
            for w in range(8)
        ]
    )
    CourseTeacher.objects.create(course=course, staff=teacher)
    return course


def seed() -> None:
    today = timezone.localdate()
    start = today + dt.timedelta(days=7)
    for code in DISTRICTS:
        district = Bureau.objects.filter(code=code).first()
        if district is None or Course.objects.filter(bureau=district).exists():
            continue
        city = district.parent
        with transaction.atomic():
            if city is not None:
                for grade in range(1, 10):
                    GuidancePrice.objects.get_or_create(
                        bureau=city,
                        subject="maths",
                        grade=grade,
                        defaults={"max_fen_per_hour": 100_00},
                    )
                if city.parent is not None:
                    for year in (today.year, today.year + 1):
                        SchoolVacation.objects.get_or_create(
                            bureau=city.parent,
                            year=year,
                            kind="winter",
                            defaults={
                                "first_day": dt.date(year, 1, 24),
                                "last_day": dt.date(year, 2, 22),
                            },
                        )
                        SchoolVacation.objects.get_or_create(
                            bureau=city.parent,
                            year=year,
                            kind="summer",
                            defaults={
                                "first_day": dt.date(year, 7, 4),
                                "last_day": dt.date(year, 8, 31),
                            },
                        )
            institutions = list(
                Institution.objects.filter(
                    bureau=district, status="normal", category="academic"
                ).order_by("id")[:3]
            )
            for n, institution in enumerate(institutions):
                Credential.objects.update_or_create(
                    institution=institution,
                    kind=Credential.Kind.SCHOOL_LICENCE,
                    defaults={"number": f"教民{institution.pk:09d}", "scope": "语文、数学、英语"},
                )
                site = Site.objects.filter(institution=institution).first() or (
                    Site.objects.create(
                        institution=institution, address=f"{institution.name}教学点", approved=True
                    )
                )
                qualified = Staff.objects.create(
                    institution=institution, name="陈老师", qualification_number=f"2021{n:08d}"
                )
                unqualified = Staff.objects.create(institution=institution, name="周老师")
                for i, (name, rule, overrides, times, weekday) in enumerate(EXAMPLES):
                    if i % len(institutions) != n:
                        continue
                    teacher = unqualified if rule == "teacher" else qualified
                    _course(
                        institution,
                        site,
                        teacher,
                        name,
                        overrides,
                        times,
                        weekday,
                        start,
                        Course.Status.ACCEPTED,
                    )
                if n == 0:
                    _course(
                        institution,
                        site,
                        qualified,
                        "七年级英语（待审）",
                        {"subject": "foreign_language", "grades": [7]},
                        ("18:30", "20:00"),
                        2,
                        start,
                        Course.Status.SUBMITTED,
                    )
                    returned = _course(
                        institution,
                        site,
                        qualified,
                        "八年级数学（退回）",
                        {"grades": [8]},
                        ("18:30", "20:00"),
                        4,
                        start,
                        Course.Status.RETURNED,
                    )
                    Course.objects.filter(pk=returned.pk).update(
                        return_reasons="请补充教材名称及审核情况。"
                    )
    nightly.courses_check(today=today)
