"""Staff pages and the API: filters, export, accept and return, the `check` action, the
public page's panel of accepted courses and prices."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from courses.models import Course
from courses.services import filing
from tests.courses.conftest import WEDNESDAY, fields, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_a(school_a, officer_a):
    return filing.course_submit(actor=officer_a, institution=school_a, **fields(school_a))


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_filters_and_export(client, tree, course_a, school_a, officer_a):
    other = filing.course_submit(
        actor=officer_a,
        institution=school_a,
        **fields(school_a, name="英语口语", subject="foreign_language"),
    )
    Course.objects.filter(pk=other.pk).update(violations=["guidance_price"])
    client.force_login(tree.user("a", "officer"))
    url = reverse("courses:course-list")
    body = client.get(url).content.decode()
    assert "五年级数学提高班" in body and "英语口语" in body
    body = client.get(url, {"rule": "guidance_price"}).content.decode()
    assert "英语口语" in body and "五年级数学提高班" not in body
    body = client.get(url, {"subject": "maths", "status": "submitted"}).content.decode()
    assert "五年级数学提高班" in body and "英语口语" not in body
    assert client.get(url, {"rule": "no-such-rule"}).status_code == 200
    response = client.get(reverse("courses:course-export"), {"subject": "maths"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = rows.to_python()
    assert len(rows) == 2 and rows[1][0] == "五年级数学提高班"


def test_accept_and_return_pages(client, tree, course_a):
    client.force_login(tree.user("a", "officer"))
    response = client.post(reverse("courses:course-return", args=[course_a.pk]), {"reasons": ""})
    assert response.status_code == 400
    response = client.post(reverse("courses:course-accept", args=[course_a.pk]))
    assert response.status_code == 302
    course_a.refresh_from_db()
    assert course_a.status == "accepted"
    response = client.post(reverse("courses:course-return", args=[course_a.pk]), {"reasons": "x"})
    assert response.status_code == 400
    detail = client.get(reverse("courses:course-detail", args=[course_a.pk])).content.decode()
    assert "18:30" in detail and "王老师" in detail


def test_api_check_lists_every_violation_without_saving(tree, school_a):
    payload = {
        "institution": school_a.pk,
        "name": "周末数学",
        "subject": "maths",
        "grades": [5],
        "delivery": "online_live",
        "class_hours": 10,
        "lesson_minutes": 31,
        "price_per_hour_fen": 5000,
        "sessions": [{"day": "2026-12-05", "starts_at": "20:30", "ends_at": "21:05"}],
    }
    client = api(tree.user("a", "officer"))
    response = client.post(
        "/api/v1/courses/check/", payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is False
    assert sorted(v["rule"] for v in data["violations"]) == [
        "end_online",
        "online_lesson",
        "rest_day",
    ]
    assert Course.objects.count() == 0
    # Filing it is refused with the same reasons, keyed by field.
    response = client.post("/api/v1/courses/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"sessions", "lesson_minutes"}
    # Fixed, it is filed; the sibling district cannot file for this institution.
    payload.update(
        lesson_minutes=30,
        sessions=[{"day": WEDNESDAY.isoformat(), "starts_at": "20:00", "ends_at": "21:00"}],
    )
    assert (
        api(tree.user("b", "officer")).post("/api/v1/courses/", payload, format="json").status_code
        == 400
    )
    response = client.post("/api/v1/courses/", payload, format="json")
    assert response.status_code == 201, response.json()
    course_id = response.json()["id"]
    response = client.post(f"/api/v1/courses/{course_id}/accept/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    sessions = client.get("/api/v1/timetable-sessions/", {"course": course_id}).json()
    assert sessions["count"] == 1


def test_bad_api_input_is_a_400(tree, school_a):
    client = api(tree.user("a", "officer"))
    response = client.post(
        "/api/v1/courses/check/",
        {
            "institution": school_a.pk,
            "name": "x",
            "subject": "maths",
            "grades": [5],
            "delivery": "offline",
            "class_hours": 1,
            "lesson_minutes": 45,
            "price_per_hour_fen": -1,
            "sessions": [{"day": "2026-13-01", "starts_at": "25:00", "ends_at": "18:00"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"sessions", "price_per_hour_fen", "site"} <= set(response.json())


def test_public_page_shows_accepted_courses_and_prices(client, tree, officer_a):
    school = make_school(tree.a, name="公开机构")
    course = filing.course_submit(
        actor=officer_a, institution=school, **fields(school, name="公开数学课")
    )
    filing.course_submit(actor=officer_a, institution=school, **fields(school, name="待审课程"))
    url = reverse("public_institutions:detail", args=[school.pk])
    assert "公开数学课" not in client.get(url).content.decode()
    filing.course_accept(actor=officer_a, course=course)
    body = client.get(url).content.decode()
    assert "公开数学课" in body and "80.00" in body
    assert "待审课程" not in body
