"""One test per rule, with the boundary on both sides: the submission check names the
offending session or field, in Chinese."""

import datetime as dt

import pytest
from django.utils import translation

from bureaus.context import acting, system_actor
from courses.models import GuidancePrice, RuleSetting
from courses.services.filing import course_check
from institutions.models import Staff
from tests.courses.conftest import SATURDAY, WEDNESDAY, fields, make_school

pytestmark = pytest.mark.django_db


def rules_broken(institution, **overrides):
    with translation.override("zh-hans"):
        return course_check(institution=institution, **fields(institution, **overrides))


def session(day, start, end):
    return [{"day": day, "starts_at": start, "ends_at": end}]


def test_a_clean_filing_breaks_nothing(school_a):
    assert rules_broken(school_a) == []


def test_offline_ends_by_2030(school_a):
    assert rules_broken(school_a, sessions=session(WEDNESDAY, "19:00", "20:30")) == []
    found = rules_broken(school_a, sessions=session(WEDNESDAY, "19:00", "20:31"))
    assert [v.rule for v in found] == ["end_offline"]
    assert "2026-12-02" in found[0].message and "20:31" in found[0].message
    assert "20:30" in found[0].message and "线下" in found[0].message


def test_online_ends_by_2100(school_a):
    online = {"delivery": "online_live", "site": None, "lesson_minutes": 30}
    assert rules_broken(school_a, sessions=session(WEDNESDAY, "20:30", "21:00"), **online) == []
    found = rules_broken(school_a, sessions=session(WEDNESDAY, "20:30", "21:01"), **online)
    assert [v.rule for v in found] == ["end_online"]
    assert "21:01" in found[0].message


def test_online_lesson_30_minutes_and_break_10(school_a):
    online = {"delivery": "online_live", "site": None}
    assert rules_broken(school_a, lesson_minutes=30, break_minutes=10, **online) == []
    found = rules_broken(school_a, lesson_minutes=31, **online)
    assert [v.rule for v in found] == ["online_lesson"]
    assert "31" in found[0].message
    found = rules_broken(school_a, lesson_minutes=30, break_minutes=9, **online)
    assert [v.rule for v in found] == ["online_lesson"]
    # An offline lesson may be longer.
    assert rules_broken(school_a, lesson_minutes=45) == []


def test_saturday_academic_compulsory_fails_arts_passes(tree, school_a):
    found = rules_broken(school_a, sessions=session(SATURDAY, "09:00", "10:30"))
    assert [v.rule for v in found] == ["rest_day"]
    assert "2026-12-05" in found[0].message
    arts = make_school(tree.a, name="墨香书法", category="arts", scope="书法、美术")
    assert (
        rules_broken(arts, subject="calligraphy", sessions=session(SATURDAY, "09:00", "10:30"))
        == []
    )
    # High-school pupils are outside the compulsory-education rule.
    assert rules_broken(school_a, grades=[10], sessions=session(SATURDAY, "09:00", "10:30")) == []


def test_holidays_make_up_days_and_vacations(tree, school_a):
    # National Day on a Thursday: a rest day.
    found = rules_broken(school_a, sessions=session(dt.date(2026, 10, 1), "18:00", "19:00"))
    assert [v.rule for v in found] == ["rest_day"]
    # 2026-10-10 is a Saturday made a working day (调休): a weekday in law, so allowed.
    assert rules_broken(school_a, sessions=session(dt.date(2026, 10, 10), "18:00", "19:00")) == []
    # A weekday in the province's winter vacation; then the city's own dates take over.
    from courses.models import SchoolVacation

    SchoolVacation.objects.create(
        bureau=tree.province,
        year=2027,
        kind="winter",
        first_day=dt.date(2027, 1, 23),
        last_day=dt.date(2027, 2, 21),
    )
    in_winter = session(dt.date(2027, 1, 27), "10:00", "11:00")
    assert [v.rule for v in rules_broken(school_a, sessions=in_winter)] == ["rest_day"]
    SchoolVacation.objects.create(
        bureau=tree.city,
        year=2027,
        kind="winter",
        first_day=dt.date(2027, 1, 30),
        last_day=dt.date(2027, 2, 25),
    )
    assert rules_broken(school_a, sessions=in_winter) == []


def test_a_year_the_calendar_does_not_know_falls_back_to_weekends(school_a):
    assert rules_broken(school_a, sessions=session(dt.date(2031, 3, 5), "18:00", "19:00")) == []
    found = rules_broken(school_a, sessions=session(dt.date(2031, 3, 8), "18:00", "19:00"))
    assert [v.rule for v in found] == ["rest_day"]


def test_subject_outside_the_licence_scope(tree, school_a):
    found = rules_broken(school_a, subject="physics")
    assert [v.rule for v in found] == ["scope"]
    assert "物理" in found[0].message
    no_licence = make_school(tree.a, name="无证机构", scope="")
    assert [v.rule for v in rules_broken(no_licence)] == ["scope"]


def test_price_above_the_city_guidance_price(tree, school_a):
    GuidancePrice.objects.create(bureau=tree.city, subject="maths", grade=5, max_fen_per_hour=80_00)
    assert rules_broken(school_a, price_per_hour_fen=80_00) == []
    found = rules_broken(school_a, price_per_hour_fen=80_01)
    assert [v.rule for v in found] == ["guidance_price"]
    assert "80.01" in found[0].message and "80.00" in found[0].message


def test_package_caps(school_a):
    ok = {"package_price_fen": 5000_00, "package_hours": 60, "package_months": 3}
    assert rules_broken(school_a, **ok) == []
    for name, value in (
        ("package_price_fen", 5000_01),
        ("package_hours", 61),
        ("package_months", 4),
    ):
        found = rules_broken(school_a, **{**ok, name: value})
        assert [v.rule for v in found] == ["package"], name


def test_teacher_without_qualification_or_in_service(school_a):
    unqualified = Staff.objects.get(institution=school_a, name="李老师")
    found = rules_broken(school_a, teacher_ids=[unqualified.pk])
    assert [v.rule for v in found] == ["teacher"]
    assert "李老师" in found[0].message
    with acting(system_actor("tests")):
        in_service = Staff.objects.create(
            institution=school_a,
            name="赵老师",
            qualification_number="2020-9",
            is_in_service_teacher=True,
        )
    assert [v.rule for v in rules_broken(school_a, teacher_ids=[in_service.pk])] == ["teacher"]


def test_every_violation_is_listed_at_once(school_a):
    unqualified = Staff.objects.get(institution=school_a, name="李老师")
    found = rules_broken(
        school_a,
        subject="physics",
        sessions=session(WEDNESDAY, "19:00", "20:45") + session(SATURDAY, "09:00", "10:00"),
        package_price_fen=6000_00,
        teacher_ids=[unqualified.pk],
    )
    assert sorted({v.rule for v in found}) == [
        "end_offline",
        "package",
        "rest_day",
        "scope",
        "teacher",
    ]


def test_a_province_switches_a_rule_off_or_tightens_it(tree, school_a):
    late = session(WEDNESDAY, "19:00", "20:31")
    RuleSetting.objects.create(bureau=tree.province, rule="end_offline", enabled=False)
    assert rules_broken(school_a, sessions=late) == []
    RuleSetting.objects.filter(rule="end_offline").update(enabled=True, limit=20 * 60)
    found = rules_broken(school_a, sessions=session(WEDNESDAY, "18:30", "20:01"))
    assert [v.rule for v in found] == ["end_offline"] and "20:00" in found[0].message
