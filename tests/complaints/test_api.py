"""The staff API and the 12345 intake API: filters, transitions as actions, 400 field errors,
permissions, the schema, pinned query counts."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bureaus.context import acting, system_actor
from complaints.models import Complaint
from tests.clients import api_client as api
from tests.complaints.conftest import advance, submit
from tests.complaints.records import make_complaint

pytestmark = pytest.mark.django_db


def test_list_filters_by_status_and_overdue(tree):
    with acting(system_actor("tests")):
        late = make_complaint(tree.a, "逾期机构", due_on=dt.date(2020, 1, 1), status="assigned")
        make_complaint(tree.a, "未逾期机构", status="assigned")
        make_complaint(tree.a, "已办结机构", due_on=dt.date(2020, 1, 1))
        Complaint.objects.filter(institution_name="已办结机构").update(status="closed")
        make_complaint(tree.b, "乙区机构", due_on=dt.date(2020, 1, 1), status="assigned")
    client = api(tree.user("a", "officer"))
    rows = client.get("/api/v1/complaints/", {"status": "assigned", "overdue": "true"}).json()
    assert [r["id"] for r in rows["results"]] == [late.pk]
    assert rows["results"][0]["overdue"] is True
    assert client.get("/api/v1/complaints/", {"overdue": "false"}).json()["count"] == 2
    assert client.get("/api/v1/complaints/", {"q": "逾期"}).json()["count"] == 2
    assert client.get("/api/v1/complaints/", {"status": "pirates"}).status_code == 400


def test_transitions_through_the_api(tree):
    complaint, _ = submit(tree.a)
    admin = api(tree.user("a", "admin"))
    base = f"/api/v1/complaints/{complaint.pk}"
    state = admin.get(f"{base}/accept/").json()
    assert state == {"status": "received", "transition": "accept", "allowed": True}
    assert admin.get(f"{base}/close/").json()["allowed"] is False

    response = admin.post(f"{base}/accept/", {"note": "属于职责范围"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["allowed_transitions"] == ["merge", "assign", "link"]

    officer_id = tree.user("a", "officer").pk
    assert (
        admin.post(f"{base}/assign/", {"assignee": officer_id}, format="json").json()["status"]
        == "assigned"
    )
    officer = api(tree.user("a", "officer"))
    assert officer.post(f"{base}/note/", {"note": "已核查"}, format="json").status_code == 200
    done = officer.post(
        f"{base}/conclude/",
        {"outcome": "substantiated", "public_reply": "已责令整改。"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["outcome"] == "substantiated"
    assert officer.post(f"{base}/close/", {}, format="json").json()["status"] == "closed"


def test_api_field_errors_and_refused_transitions(tree):
    complaint, _ = submit(tree.a)
    admin = api(tree.user("a", "admin"))
    base = f"/api/v1/complaints/{complaint.pk}"
    response = admin.post(f"{base}/reject/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["public_reply"] == ["该字段是必填项。"]
    response = admin.post(
        f"{base}/assign/", {"assignee": tree.user("b", "officer").pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["assignee"] == ["请选择本区的科员。"]
    response = admin.post(f"{base}/close/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["处于“已收到”状态的举报不能归档。"]
    response = admin.post(f"{base}/merge/", {"into": "JBNOSUCHCODE"}, format="json")
    assert response.status_code == 400 and "into" in response.json()
    advance(complaint, tree, "investigating")
    response = admin.post(
        f"{base}/conclude/", {"outcome": "maybe", "public_reply": "x"}, format="json"
    )
    assert response.status_code == 400 and "outcome" in response.json()


def test_api_permissions(tree):
    complaint, _ = submit(tree.a)
    base = f"/api/v1/complaints/{complaint.pk}"
    # Supervisors read but cannot take steps; the audit administrator reads the audit trail
    # only (三权分立); district B does not find it.
    client = api(tree.user("city", "supervisor"))
    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/accept/").status_code == 200
    assert client.post(f"{base}/accept/", {}, format="json").status_code == 403
    auditor = api(tree.user("a", "auditor"))
    assert auditor.get(f"{base}/").status_code == 403
    assert auditor.get("/api/v1/complaints/").status_code == 403
    assert (
        api(tree.user("b", "admin")).post(f"{base}/accept/", {}, format="json").status_code == 404
    )
    assert APIClient().get("/api/v1/complaints/").status_code in (401, 403)
    # Only the handler or the administrator investigates.
    advance(complaint, tree, "assigned")
    from tests.conftest import make_user

    other = make_user("a_officer2", tree.a, "officer")
    response = api(other).post(f"{base}/note/", {"note": "x"}, format="json")
    assert response.status_code == 403


def test_hotline_pushes_a_work_order_and_reads_the_reply(tree):
    token = Token.objects.create(user=tree.user("a", "officer"))
    hotline = APIClient()
    hotline.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    order = {
        "work_order": "12345-20251009-0042",
        "institution_name": "未来之星培训",
        "institution_address": "西溪路5号",
        "category": "teacher",
        "description": "某校数学老师在该机构有偿补课。",
        "caller_name": "赵女士",
        "caller_phone": "13700000000",
    }
    created = hotline.post("/api/v1/hotline-work-orders/", order, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["work_order"] == order["work_order"] and body["status"] == "received"
    assert "caller_name" not in body and "赵女士" not in created.content.decode()
    again = hotline.post("/api/v1/hotline-work-orders/", order, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    complaint = Complaint.objects.get(pk=body["id"])
    assert complaint.channel == "hotline" and complaint.reporter_name == "赵女士"
    advance(complaint, tree, "concluded")
    reply = hotline.get(f"/api/v1/hotline-work-orders/{body['id']}/").json()
    assert reply["status"] == "concluded"
    assert reply["public_reply"] == "经核查，该机构违规开展学科类培训，已责令停止。"
    found = hotline.get("/api/v1/hotline-work-orders/", {"external_ref": order["work_order"]})
    assert found.json()["count"] == 1

    bad = hotline.post("/api/v1/hotline-work-orders/", {"work_order": ""}, format="json")
    assert bad.status_code == 400
    assert {"work_order", "institution_name", "category", "description"} <= set(bad.json())


def test_schema_documents_the_transitions(tree):
    response = api(tree.user("a", "admin")).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for step in ("accept", "reject", "merge", "assign", "note", "link", "conclude", "close"):
        assert f"/api/v1/complaints/{{id}}/{step}/" in paths
    assert "/api/v1/hotline-work-orders/" in paths
    schema = str(response.json()["components"]["schemas"])
    assert "reporter_phone" not in schema and "caller_phone" in schema


def test_list_query_count_is_pinned(tree, django_assert_max_num_queries):
    with acting(system_actor("tests")):
        for i in range(30):
            make_complaint(tree.a, f"机构{i}")
    client = api(tree.user("a", "officer"))
    # session, user, memberships, count, page: the same for 30 rows as for 1.
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/complaints/")
    assert response.json()["count"] == 30
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/hotline-work-orders/").json()["count"] == 30
