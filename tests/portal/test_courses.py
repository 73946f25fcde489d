"""Filing courses from the institution's portal, through courses' filing service and its rule
engine: a refusal lists every reason naming the session, nothing is saved until it passes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from courses.models import Course, Session
from institutions.models import Site, Staff
from tests.courses.conftest import act, make_school
from tests.portal import records
from tests.spreadsheets import workbook

pytestmark = pytest.mark.django_db


def _client(institution):
    client = Client()
    client.force_login(records.account(institution).user)
    return client


def _filing(institution, **overrides):
    site = Site.objects.filter(institution=institution).first()
    teacher = Staff.objects.get(institution=institution, name="王老师")
    data = {
        "name": "五年级数学提高班",
        "subject": "maths",
        "grades": ["5"],
        "delivery": "offline",
        "site": str(site.pk),
        "class_size": "20",
        "class_hours": "20",
        "lesson_minutes": "45",
        "break_minutes": "10",
        "price_per_hour": "80",
        "package_price": "0",
        "package_hours": "0",
        "package_months": "0",
        "teachers": [str(teacher.pk)],
        "sessions": "2026-12-02 19:00-20:45\n2026-12-09 18:30-20:00",
        "patterns": "",
    }
    data.update(overrides)
    return data


def test_a_late_offline_session_is_refused_naming_it_then_the_fixed_filing_passes(tree):
    school = make_school(tree.a)
    client = _client(school)
    url = reverse("portal:course-create")
    assert client.get(url).status_code == 200
    refused = client.post(url, _filing(school))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "2026-12-02" in body and "20:45" in body and "20:30" in body
    assert 'data-testid="course-refusal"' in body
    assert not Course.objects.exists() and not Session.objects.exists()

    fixed = client.post(url, _filing(school, sessions="2026-12-02 19:00-20:30"))
    assert fixed.status_code == 302
    course = Course.objects.get()
    assert course.institution == school and course.status == Course.Status.SUBMITTED
    assert course.price_per_hour_fen == 80_00
    ends = [t.strftime("%H:%M") for t in course.sessions.values_list("ends_at", flat=True)]
    assert ends == ["20:30"]
    detail = client.get(fixed["Location"]).content.decode()
    assert "五年级数学提高班" in detail and "¥80.00" in detail


def test_every_reason_is_listed_at_once(tree):
    school = make_school(tree.a)
    response = _client(school).post(
        reverse("portal:course-create"),
        _filing(
            school,
            sessions="2026-12-02 19:00-20:45\n2026-12-05 09:00-10:00",  # a Wednesday, a Saturday
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "2026-12-02" in body and "2026-12-05" in body
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price_per_hour", "-1"),
        ("sessions", "明天晚上"),
        ("sessions", "2026-12-02 25:00-26:00"),
        ("sessions", "2026-12-02 20:00-19:00"),
        ("site", "999999"),
    ],
)
def test_bad_input_gets_a_field_error_and_nothing_is_written(tree, field, value):
    school = make_school(tree.a)
    response = _client(school).post(
        reverse("portal:course-create"), _filing(school, **{field: value})
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Course.objects.exists()


def test_another_institutions_site_and_teacher_are_not_choices(tree):
    school = make_school(tree.a)
    other = make_school(tree.a, name="别家机构")
    their_site = Site.objects.get(institution=other)
    their_teacher = Staff.objects.filter(institution=other).first()
    client = _client(school)
    form = client.get(reverse("portal:course-create")).content.decode()
    site_select = re.search(r'<select name="site".*?</select>', form, re.S).group(0)
    assert f'value="{their_site.pk}"' not in site_select
    assert f'value="{Site.objects.get(institution=school).pk}"' in site_select
    for field, value in (("site", str(their_site.pk)), ("teachers", [str(their_teacher.pk)])):
        response = client.post(reverse("portal:course-create"), _filing(school, **{field: value}))
        assert response.status_code == 400, field
    assert not Course.objects.exists()


def test_the_course_list_and_detail_keep_to_the_own_institution(tree):
    school = make_school(tree.a)
    mine = records.course(school, "本机构书法课")
    theirs = records.course(records.institution(tree.a, "邻居机构"), "邻居书法课")
    client = _client(school)
    listing = client.get(reverse("portal:course-list")).content.decode()
    assert "本机构书法课" in listing and "邻居书法课" not in listing
    assert client.get(reverse("portal:course-detail", kwargs={"pk": mine.pk})).status_code == 200
    assert client.get(reverse("portal:course-detail", kwargs={"pk": theirs.pk})).status_code == 404


TIMETABLE_HEADERS = [
    "课程名称",
    "科目",
    "年级",
    "授课方式",
    "教学点",
    "日期",
    "开始时间",
    "结束时间",
    "每课时分钟",
    "课时单价(元)",
]


def _xlsx(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "timetable.xlsx",
        workbook(TIMETABLE_HEADERS, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _lesson(*, address="文三路100号", day="2026-12-02", ends_at="20:00", price=80):
    """A timetable row: 数学 for grade 5, offline, from 19:00, 45-minute lessons."""
    return ["数学班", "数学", "5", "线下", address, day, "19:00", ends_at, 45, price]


def test_timetable_import_lists_row_errors_and_writes_nothing(tree):
    school = make_school(tree.a)
    client = _client(school)
    url = reverse("portal:timetable-import")
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "file": _xlsx(
                [
                    _lesson(ends_at="25:00"),
                    _lesson(address="不存在的地址", day="2026-12-09", price=-5),
                ]
            )
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and 'data-testid="import-errors"' in body
    assert "2" in body and "3" in body  # both lines named
    assert not Course.objects.exists()
    good = client.post(url, {"file": _xlsx([_lesson()])})
    assert good.status_code == 302
    assert Course.objects.get().institution == school


def test_a_returned_filing_is_corrected_and_submitted_again(tree):
    from courses.services.filing import course_return

    school = make_school(tree.a)
    client = _client(school)
    client.post(reverse("portal:course-create"), _filing(school, sessions="2026-12-02 19:00-20:30"))
    course = Course.objects.get()
    course_return(actor=act(tree.user("a", "officer")), course=course, reasons="请补充教材信息")
    detail = client.get(reverse("portal:course-detail", args=[course.pk])).content.decode()
    assert 'data-testid="course-resubmit"' in detail
    url = reverse("portal:course-resubmit", args=[course.pk])
    form = client.get(url).content.decode()
    # Filled from what is on file, with the district's reasons.
    assert "请补充教材信息" in form and 'value="五年级数学提高班"' in form
    assert "2026-12-02 19:00-20:30" in form
    refused = client.post(url, _filing(school, sessions="2026-12-02 19:00-20:45"))
    assert refused.status_code == 400 and "20:45" in refused.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.RETURNED
    fixed = client.post(
        url, _filing(school, name="五年级数学提高班(修订)", sessions="2026-12-03 19:00-20:30")
    )
    assert fixed.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.SUBMITTED and course.name == "五年级数学提高班(修订)"
    assert [str(d) for d in course.sessions.values_list("day", flat=True)] == ["2026-12-03"]
    # Submitted again: nothing to correct until the district decides.
    assert client.get(url).status_code == 404


def test_another_institutions_filing_cannot_be_resubmitted(tree):
    from courses.services.filing import course_return

    theirs = records.course(records.institution(tree.a, "邻居机构"), "邻居书法课")
    if theirs.status == Course.Status.SUBMITTED:
        course_return(actor=act(tree.user("a", "officer")), course=theirs, reasons="补正")
    client = _client(make_school(tree.a))
    url = reverse("portal:course-resubmit", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
