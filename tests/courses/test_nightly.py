"""The nightly rule run: twice changes nothing; a holiday added to the calendar turns an
accepted course's session into a warning on the institution; fixing it clears the warning."""

import datetime as dt

import pytest

from core import workdays
from core.models import CalendarDay
from courses import tasks
from courses.models import Course, GuidancePrice, RuleSetting
from courses.services import filing
from institutions.models import Institution, Staff
from tests.courses.conftest import TODAY, WEDNESDAY, fields, make_school

pytestmark = pytest.mark.django_db


def accepted(officer, institution, **overrides):
    course = filing.course_submit(
        actor=officer, institution=institution, **fields(institution, **overrides)
    )
    return filing.course_accept(actor=officer, course=course)


def run():
    return tasks.courses_check.apply(kwargs={"today": TODAY.isoformat()}).get()


def warnings_of(institution):
    return Institution.objects.get(pk=institution.pk).warning_codes


def test_a_holiday_added_to_the_calendar_becomes_a_warning(school_a, officer_a):
    course = accepted(officer_a, school_a)
    assert run() == {"courses_changed": 0, "institutions_changed": 0}
    # The State Council declares the Wednesday a holiday.
    CalendarDay.objects.filter(date=WEDNESDAY).update(is_working_day=False, note="临时假日")
    workdays.calendar_changed()
    assert run() == {"courses_changed": 1, "institutions_changed": 1}
    course.refresh_from_db()
    assert course.violations == ["rest_day"]
    assert "courses:rest_day" in warnings_of(school_a)
    assert course.status == Course.Status.ACCEPTED  # a warning, never a silent change
    # Run twice: nothing changes.
    assert run() == {"courses_changed": 0, "institutions_changed": 0}
    # The holiday is withdrawn: the warning goes.
    CalendarDay.objects.filter(date=WEDNESDAY).update(is_working_day=True, note="")
    assert run() == {"courses_changed": 1, "institutions_changed": 1}
    assert "courses:rest_day" not in warnings_of(school_a)


def test_session_and_course_rules_at_their_boundaries(tree, school_a, officer_a):
    at_limit = accepted(
        officer_a, school_a, sessions=[{"day": WEDNESDAY, "starts_at": "19:00", "ends_at": "20:30"}]
    )
    online = accepted(
        officer_a,
        school_a,
        name="线上数学",
        delivery="online_live",
        site=None,
        lesson_minutes=30,
        sessions=[{"day": WEDNESDAY, "starts_at": "20:00", "ends_at": "21:00"}],
    )
    # The province tightens the offline end to 20:00 and the online lesson to 25 minutes; the
    # city sets a guidance price below the course's; a teacher loses the qualification.
    RuleSetting.objects.create(bureau=tree.province, rule="end_offline", limit=20 * 60)
    RuleSetting.objects.create(bureau=tree.province, rule="online_lesson", limit=25)
    GuidancePrice.objects.create(bureau=tree.city, subject="maths", grade=5, max_fen_per_hour=79_99)
    Staff.objects.filter(institution=school_a, name="王老师").update(qualification_number="")
    run()
    at_limit.refresh_from_db()
    online.refresh_from_db()
    assert at_limit.violations == ["end_offline", "guidance_price", "teacher"]
    assert online.violations == ["guidance_price", "online_lesson", "teacher"]
    assert sorted(c for c in warnings_of(school_a) if c.startswith("courses:")) == [
        "courses:end_offline",
        "courses:guidance_price",
        "courses:online_lesson",
        "courses:teacher",
    ]
    assert run() == {"courses_changed": 0, "institutions_changed": 0}


def test_past_sessions_and_other_districts_are_left_alone(tree, school_a, officer_a):
    from tests.courses.conftest import act

    course = accepted(officer_a, school_a)
    school_b = make_school(tree.b, name="乙区学校")
    officer_b = act(tree.user("b", "officer"))
    other = accepted(officer_b, school_b)
    CalendarDay.objects.filter(date=WEDNESDAY).update(is_working_day=False, note="临时假日")
    # Run as if it were the day after: the session is past.
    tasks.courses_check.apply(kwargs={"today": (WEDNESDAY + dt.timedelta(days=1)).isoformat()})
    course.refresh_from_db()
    assert course.violations == []
    run()
    course.refresh_from_db()
    other.refresh_from_db()
    assert course.violations == ["rest_day"] and other.violations == ["rest_day"]
