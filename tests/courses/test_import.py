"""Timetable import: row-level errors (25:00, an end before a start, an unknown site, a
negative price) and nothing written; a clean file files its courses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Course, Session
from courses.services.importing import COLUMNS, timetable_import
from tests.spreadsheets import workbook

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in COLUMNS]


def xlsx(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("课表.xlsx", workbook(HEADER, rows))


GOOD = ["五年级数学", "数学", "5", "线下", "文三路100号", "2026-12-02", "18:30", "20:00", 45, 80]


def test_bad_rows_are_listed_and_nothing_is_written(school_a, officer_a):
    rows = [
        GOOD,
        [*GOOD[:6], "19:00", "25:00", 45, 80],
        [*GOOD[:6], "19:00", "18:00", 45, 80],
        [*GOOD[:4], "不存在的教学点", *GOOD[5:]],
        [*GOOD[:9], -10],
    ]
    outcome = timetable_import(actor=officer_a, institution=school_a, upload=xlsx(rows))
    errors = {(line, column) for line, column, _reason in outcome.errors}
    assert errors == {(3, "结束时间"), (4, "结束时间"), (5, "教学点"), (6, "课时单价(元)")}
    assert any("25:00" in reason for _l, _c, reason in outcome.errors)
    assert outcome.courses == []
    assert Course.objects.count() == 0 and Session.objects.count() == 0


def test_a_rule_broken_in_one_course_refuses_the_whole_file(school_a, officer_a):
    rows = [
        GOOD,
        ["周末数学", "数学", "5", "线下", "文三路100号", "2026-12-05", "09:00", "10:00", 45, 80],
    ]
    outcome = timetable_import(actor=officer_a, institution=school_a, upload=xlsx(rows))
    assert [(line, column) for line, column, _r in outcome.errors] == [(3, "课程名称")]
    assert "2026-12-05" in outcome.errors[0][2]
    assert Course.objects.count() == 0


def test_a_clean_file_files_its_courses(client, tree, school_a, officer_a):
    rows = [GOOD, [*GOOD[:5], "2026-12-09", *GOOD[6:]]]
    client.force_login(tree.user("a", "officer"))
    url = reverse("courses:timetable-import", args=[school_a.pk])
    response = client.post(url, {"file": xlsx(rows)})
    assert response.status_code == 302
    course = Course.objects.get()
    assert course.name == "五年级数学" and course.class_hours == 2
    assert course.price_per_hour_fen == 80_00 and course.sessions.count() == 2
    # The page shows the row errors of a bad file.
    response = client.post(url, {"file": xlsx([[*GOOD[:6], "19:00", "25:00", 45, 80]])})
    assert response.status_code == 400
    assert "25:00" in response.content.decode()
