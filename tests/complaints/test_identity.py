"""Reporter protection: encrypted at rest, masked for district staff, revealed only to the
handler and the district administrator with an audit row each time, and absent from superiors'
views, exports, API responses, audit rows and log lines."""

import logging

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from bureaus.models import AuditEvent
from complaints.models import Complaint
from tests.complaints.conftest import REPORTER_NAME, REPORTER_PHONE, advance, submit

pytestmark = pytest.mark.django_db

CLEAR = (REPORTER_NAME, REPORTER_PHONE)
MASKED = ("王**", "139****5678")


@pytest.fixture
def named(tree):
    complaint, _ = submit(tree.a, named=True)
    return advance(complaint, tree, "assigned")  # handler: a_officer


def _client(user, api=False):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def test_database_holds_ciphertext(named):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone FROM complaints_complaint WHERE id = %s",
            [named.pk],
        )
        name, phone = cursor.fetchone()
    assert name.startswith("gAAAA") and phone.startswith("gAAAA")
    assert REPORTER_NAME not in name and REPORTER_PHONE not in phone
    assert Complaint.objects.get(pk=named.pk).reporter_name == REPORTER_NAME


def test_district_staff_see_a_mask(named, tree):
    body = _client(tree.user("a", "inspector")).get(f"/complaints/{named.pk}/").content.decode()
    for value in MASKED:
        assert value in body
    for value in CLEAR:
        assert value not in body


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_handler_and_admin_reveal_with_an_audit_row_each(named, tree, role):
    client = _client(tree.user("a", role))
    url = f"/complaints/{named.pk}/reveal/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert REPORTER_NAME not in confirm.content.decode()
    for attempt in (1, 2):
        response = client.post(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert REPORTER_NAME in body and REPORTER_PHONE in body
        assert response["Cache-Control"] == "no-store"
        reveals = AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW_SENSITIVE, object_id=str(named.pk)
        )
        assert reveals.count() == attempt
    event = reveals.first()
    assert event.actor == tree.user("a", role)
    assert event.model == "complaints.complaint" and event.bureau_id == tree.a.pk
    assert event.changes == {"revealed": ["reporter_name", "reporter_phone"]}


def test_reveal_refused_to_everyone_else(named, tree):
    from tests.conftest import make_user

    not_handler = make_user("a_officer2", tree.a, "officer")
    for user, status in (
        (not_handler, 403),
        (tree.user("a", "auditor"), 403),
        (tree.user("a", "inspector"), 403),
        (tree.user("b", "admin"), 404),
        (tree.user("city", "supervisor"), 403),
    ):
        response = _client(user).post(f"/complaints/{named.pk}/reveal/")
        assert response.status_code == status, user
        assert REPORTER_NAME not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_SENSITIVE).exists()


@pytest.mark.parametrize("who", [("city", "supervisor"), ("province", "supervisor")])
def test_superiors_never_see_the_reporter(named, tree, who):
    user = tree.user(*who)
    pages = _client(user)
    api = _client(user, api=True)
    responses = [
        pages.get("/complaints/"),
        pages.get(f"/complaints/{named.pk}/"),
        pages.get("/complaints/export.csv"),
        api.get("/api/v1/complaints/"),
        api.get(f"/api/v1/complaints/{named.pk}/"),
    ]
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        body = response.content.decode()
        assert named.tracking_code in body
        for value in CLEAR + MASKED:
            assert value not in body, response.request["PATH_INFO"]
        assert "举报人" not in body or "/complaints/export.csv" in response.request["PATH_INFO"]


def test_exports_and_api_never_carry_the_reporter(named, tree):
    admin = tree.user("a", "admin")
    export = _client(admin).get("/complaints/export.csv")
    assert export.status_code == 200
    csv = export.content.decode("utf-8-sig")
    assert named.tracking_code in csv
    api = _client(admin, api=True)
    listing = api.get("/api/v1/complaints/").json()
    detail = api.get(f"/api/v1/complaints/{named.pk}/").json()
    assert detail["reporter_named"] is True
    assert not any(k.startswith("reporter_") and k != "reporter_named" for k in detail)
    for text in (csv, str(listing), str(detail)):
        for value in CLEAR + MASKED:
            assert value not in text


def test_audit_rows_and_logs_never_carry_the_reporter(tree, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    response = client.post(
        "/public/tip-offs/new/",
        {
            "institution_name": "某某学堂",
            "district": str(tree.a.pk),
            "category": "fees",
            "description": "拒不退还学费，多次协商无果。",
            "reporter_name": REPORTER_NAME,
            "reporter_phone": REPORTER_PHONE,
        },
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    advance(complaint, tree, "assigned")
    _client(tree.user("a", "officer")).post(f"/complaints/{complaint.pk}/reveal/")
    advance_rest = Complaint.objects.get()
    assert advance_rest.is_named
    assert caplog.records, "the workflow logs its steps"
    for value in CLEAR + MASKED:
        assert value not in caplog.text
    for event in AuditEvent.objects.filter(model="complaints.complaint"):
        text = str(event.changes)
        for value in CLEAR:
            assert value not in text
    created = AuditEvent.objects.get(model="complaints.complaint", action="create")
    assert created.changes["reporter_name"] == "***"
    assert created.changes["reporter_phone"] == "***"
