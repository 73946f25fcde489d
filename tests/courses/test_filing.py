"""Filing: a refused submission lists every reason and writes nothing; the district accepts
or returns; two officers accepting at once make one decision."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from courses.models import Course, Session, TimetablePattern
from courses.services import filing
from tests.concurrency import run_concurrently
from tests.courses.conftest import SATURDAY, WEDNESDAY, act, fields, make_school

pytestmark = pytest.mark.django_db


def test_a_refused_submission_lists_every_reason_and_writes_nothing(school_a, officer_a):
    late = [{"day": WEDNESDAY, "starts_at": "19:00", "ends_at": "20:45"}]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        filing.course_submit(
            actor=officer_a,
            institution=school_a,
            **fields(school_a, sessions=late, package_price_fen=6000_00),
        )
    errors = refused.value.message_dict
    assert "20:45" in errors["sessions"][0] and "20:30" in errors["sessions"][0]
    assert "5000" in errors["package_price_fen"][0]
    assert Course.objects.count() == 0 and Session.objects.count() == 0


def test_bad_shapes_are_field_errors(school_a, officer_a):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        filing.course_submit(
            actor=officer_a,
            institution=school_a,
            **fields(
                school_a,
                price_per_hour_fen=-1,
                sessions=[
                    {"day": WEDNESDAY, "starts_at": "19:00", "ends_at": "25:00"},
                    {"day": WEDNESDAY, "starts_at": "19:00", "ends_at": "18:00"},
                ],
            ),
        )
    errors = refused.value.message_dict
    assert "25:00" in errors["sessions"][0]
    assert "18:00" in errors["sessions"][1]
    assert errors["price_per_hour_fen"] == ["价格不能为负数。"]


def test_submit_expands_weekly_patterns(school_a, officer_a):
    course = filing.course_submit(
        actor=officer_a,
        institution=school_a,
        **fields(
            school_a,
            sessions=[],
            patterns=[
                {
                    "weekday": 3,
                    "starts_at": "18:30",
                    "ends_at": "20:00",
                    "first_day": "2026-12-01",
                    "last_day": "2026-12-31",
                }
            ],
        ),
    )
    assert course.status == Course.Status.SUBMITTED and course.is_academic
    days = list(course.sessions.values_list("day", flat=True))
    assert [d.isoformat() for d in days] == [
        "2026-12-02",
        "2026-12-09",
        "2026-12-16",
        "2026-12-23",
        "2026-12-30",
    ]
    assert TimetablePattern.objects.get(course=course).sessions.count() == 5


def test_a_weekly_saturday_pattern_names_the_first_saturday(school_a, officer_a):
    pattern = {
        "weekday": 6,
        "starts_at": "09:00",
        "ends_at": "10:00",
        "first_day": "2026-12-01",
        "last_day": "2026-12-12",
    }
    with translation.override("zh-hans"):
        found = filing.course_check(institution=school_a, **fields(school_a, patterns=[pattern]))
    assert [v.rule for v in found] == ["rest_day", "rest_day"]
    assert SATURDAY.isoformat() in found[0].message


def test_accept_and_return(tree, school_a, officer_a):
    course = filing.course_submit(actor=officer_a, institution=school_a, **fields(school_a))
    with pytest.raises(ValidationError):
        filing.course_return(actor=officer_a, course=course, reasons=" ")
    filing.course_return(actor=officer_a, course=course, reasons="请补充教材")
    course.refresh_from_db()
    assert course.status == "returned" and course.return_reasons == "请补充教材"
    filing.course_resubmit(actor=officer_a, course=course, **fields(school_a, name="新名称"))
    course.refresh_from_db()
    assert course.status == "submitted" and course.name == "新名称"
    assert course.sessions.count() == 1
    filing.course_accept(actor=officer_a, course=course)
    course.refresh_from_db()
    assert course.status == "accepted" and course.decided_by == officer_a
    with pytest.raises(ValidationError):
        filing.course_accept(actor=officer_a, course=course)


def test_an_institution_account_resubmits_without_a_membership(school_a, officer_a):
    from bureaus.models import User

    course = filing.course_submit(actor=officer_a, institution=school_a, **fields(school_a))
    filing.course_return(actor=officer_a, course=course, reasons="改时间")
    account = User.objects.create_user(username="inst", display_name="机构账号")
    filing.course_resubmit(actor=account, course=course, **fields(school_a))
    course.refresh_from_db()
    assert course.status == "submitted"


def test_other_districts_and_roles_are_refused(tree, school_a, officer_a):
    officer_b = act(tree.user("b", "officer"))
    with pytest.raises(PermissionDenied):
        filing.course_submit(actor=officer_b, institution=school_a, **fields(school_a))
    course = filing.course_submit(actor=officer_a, institution=school_a, **fields(school_a))
    for actor in (
        officer_b,
        act(tree.user("a", "inspector")),
        act(tree.user("city", "supervisor")),
    ):
        with pytest.raises(PermissionDenied):
            filing.course_accept(actor=actor, course=course)
    course.refresh_from_db()
    assert course.status == "submitted"


def test_accept_is_refused_when_a_rule_broke_since_submission(tree, school_a, officer_a):
    from courses.models import GuidancePrice

    course = filing.course_submit(actor=officer_a, institution=school_a, **fields(school_a))
    GuidancePrice.objects.create(bureau=tree.city, subject="maths", grade=5, max_fen_per_hour=50_00)
    with pytest.raises(ValidationError) as refused:
        filing.course_accept(actor=officer_a, course=course)
    assert "price_per_hour_fen" in refused.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_make_one_decision(tree):
    from bureaus.context import acting, system_actor

    school = make_school(tree.a)
    officer = act(tree.user("a", "officer"))
    with acting(system_actor("tests")):
        course = filing.course_submit(actor=officer, institution=school, **fields(school))
    outcomes = []

    def accept(_i):
        from bureaus import rls

        with rls.use(rls.for_membership(officer, officer.membership)):
            try:
                filing.course_accept(actor=act(tree.user("a", "officer")), course=course)
                outcomes.append("ok")
            except ValidationError:
                outcomes.append("refused")

    run_concurrently(accept, 8)
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    course.refresh_from_db()
    assert course.status == "accepted"
