"""The staff API for supervision orders, rewards and refund disputes: list and retrieve, each
step allowed and refused (403 role, 404 other district, 400 field errors), the reporter's
identity never in a payload, pinned query counts."""

import datetime as dt

import pytest
from django.utils import timezone

from bureaus.context import acting, system_actor
from bureaus.crypto import mask_phone
from bureaus.models import Bureau
from complaints.models import Complaint, RefundDispute, Reward, SupervisionOrder
from core import workdays
from tests.clients import api_client as api
from tests.complaints.conftest import REPORTER_NAME, REPORTER_PHONE, advance, backdate, submit
from tests.complaints.records import make_complaint
from tests.conftest import make_user
from tests.records import make_record

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/supervision-orders/"
REWARDS = "/api/v1/rewards/"
DISPUTES = "/api/v1/refund-disputes/"


def _later(days=10):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _issue(tree, district=None, **extra):
    payload = {
        "district": (district or tree.a).pk,
        "subject": "督办：启明星学科辅导中心违规培训",
        "instructions": "请于期限内核查并反馈处理结果。",
        "due_on": _later(),
        **extra,
    }
    return api(tree.user("city", "supervisor")).post(ORDERS, payload, format="json")


def _rewardable(tree):
    complaint, _secret = submit(tree.a, named=True)
    return backdate(advance(complaint, tree, "concluded"), dt.date(2025, 10, 1))


# Supervision orders --------------------------------------------------------------------------


def test_supervisor_issues_an_order_and_the_district_answers(tree):
    complaint, _ = submit(tree.a)
    response = _issue(tree, complaint=complaint.pk)
    assert response.status_code == 201
    body = response.json()
    # Owned by the target district, written by the city.
    assert body["bureau"] == tree.a.pk and body["issued_by"] == tree.city.pk
    assert body["complaint_code"] == complaint.tracking_code
    assert body["status"] == "open" and body["allowed_transitions"] == ["answer"]
    order = SupervisionOrder.objects.get(pk=body["id"])
    assert order.number.startswith("DB3301-")

    officer = api(tree.user("a", "officer"))
    assert [r["id"] for r in officer.get(ORDERS).json()["results"]] == [order.pk]
    assert api(tree.user("b", "officer")).get(ORDERS).json()["count"] == 0
    for supervisor in ("city", "province"):
        client = api(tree.user(supervisor, "supervisor"))
        assert client.get(f"{ORDERS}{order.pk}/").json()["number"] == order.number

    base = f"{ORDERS}{order.pk}/answer"
    assert officer.get(f"{base}/").json() == {
        "status": "open",
        "transition": "answer",
        "allowed": True,
    }
    answered = officer.post(f"{base}/", {"answer": "已责令停止培训并立案查处。"}, format="json")
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
    assert answered.json()["answer"] == "已责令停止培训并立案查处。"
    assert officer.get(f"{base}/").json()["allowed"] is False
    again = officer.post(f"{base}/", {"answer": "补充"}, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["该督办单已反馈。"]}


def test_issue_is_refused_to_district_roles_and_outside_the_subtree(tree):
    for role in ("admin", "officer", "auditor"):
        client = api(tree.user("a", role))
        assert client.post(ORDERS, {"district": tree.a.pk}, format="json").status_code == 403
    # A district of another city is not under this supervisor's bureau.
    with acting(system_actor("tests")):
        other_city = Bureau.objects.create(
            code="3302", name="宁波市教育局", level="city", parent=tree.province
        )
        far = Bureau.objects.create(
            code="330203", name="海曙区教育局", level="district", parent=other_city
        )
    response = _issue(tree, far)
    assert response.status_code == 400 and list(response.json()) == ["district"]
    # The province supervisor reaches it.
    province = api(tree.user("province", "supervisor"))
    payload = {"district": far.pk, "subject": "督办", "instructions": "核查", "due_on": _later()}
    assert province.post(ORDERS, payload, format="json").status_code == 201
    assert SupervisionOrder.objects.get().bureau == far


def test_issue_field_errors(tree):
    response = api(tree.user("city", "supervisor")).post(ORDERS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"district", "subject", "instructions", "due_on"}
    response = _issue(tree, due_on=timezone.localdate().isoformat())
    assert response.status_code == 400
    assert response.json() == {"due_on": ["反馈期限必须晚于今天。"]}
    complaint_b, _ = submit(tree.b)
    response = _issue(tree, complaint=complaint_b.pk)
    assert response.status_code == 400
    assert response.json() == {"complaint": ["该举报属于其他区县。"]}
    assert not SupervisionOrder.objects.exists()


def test_answer_refused_by_role_other_district_and_blank(tree):
    order = SupervisionOrder.objects.get(pk=_issue(tree).json()["id"])
    base = f"{ORDERS}{order.pk}/answer/"
    client = api(tree.user("city", "supervisor"))
    assert client.get(base).status_code == 200
    assert client.post(base, {"answer": "x"}, format="json").status_code == 403
    # The audit administrator reads the audit trail only (三权分立).
    assert api(tree.user("a", "auditor")).get(base).status_code == 403
    assert (
        api(tree.user("b", "admin")).post(base, {"answer": "x"}, format="json").status_code == 404
    )
    assert api(tree.user("b", "admin")).get(f"{ORDERS}{order.pk}/").status_code == 404
    response = api(tree.user("a", "admin")).post(base, {"answer": ""}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["answer"]
    order.refresh_from_db()
    assert order.status == "open"


def test_order_filters(tree):
    complaint, _ = submit(tree.a)
    linked = _issue(tree, complaint=complaint.pk).json()["id"]
    other = _issue(tree).json()["id"]
    with acting(system_actor("tests")):
        SupervisionOrder.objects.filter(pk=other).update(due_on=dt.date(2020, 1, 1))
    client = api(tree.user("a", "officer"))
    assert [r["id"] for r in client.get(ORDERS, {"overdue": "true"}).json()["results"]] == [other]
    assert client.get(ORDERS, {"overdue": "true"}).json()["results"][0]["overdue"] is True
    assert [r["id"] for r in client.get(ORDERS, {"complaint": complaint.pk}).json()["results"]] == [
        linked
    ]
    assert client.get(ORDERS, {"status": "answered"}).json()["count"] == 0
    assert client.get(ORDERS, {"status": "open"}).json()["count"] == 2
    assert client.get(ORDERS, {"status": "pirates"}).status_code == 400


# Rewards -------------------------------------------------------------------------------------


def test_reward_decided_told_and_claimed(tree):
    complaint = _rewardable(tree)
    admin = api(tree.user("a", "admin"))
    response = admin.post(REWARDS, {"complaint": complaint.pk, "amount_fen": 500_00}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["amount_fen"] == 500_00 and body["status"] == "decided"
    assert body["tracking_code"] == complaint.tracking_code
    assert body["allowed_transitions"] == ["notify"]
    base = f"{REWARDS}{body['id']}"
    assert admin.get(f"{base}/claim/").json()["allowed"] is False

    officer = api(tree.user("a", "officer"))
    told = officer.post(f"{base}/notify/", {"notified_on": "2025-10-09"}, format="json")
    assert told.status_code == 200
    # seed 004 永川: 20 working days from the notice (the national calendar's).
    claim_by = workdays.add_working_days(dt.date(2025, 10, 9), 20).isoformat()
    assert told.json()["status"] == "notified" and told.json()["claim_by"] == claim_by
    claimed = officer.post(f"{base}/claim/", {"claimed_on": claim_by}, format="json")
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    assert officer.get(REWARDS, {"status": "claimed"}).json()["count"] == 1
    assert officer.get(REWARDS, {"status": "decided"}).json()["count"] == 0
    # Superiors read it, the audit administrator does not; district B does not find it.
    assert api(tree.user("city", "supervisor")).get(f"{base}/").json()["status"] == "claimed"
    assert api(tree.user("a", "auditor")).get(f"{base}/").status_code == 403
    assert api(tree.user("b", "admin")).get(f"{base}/").status_code == 404


def test_reward_refusals(tree):
    complaint = _rewardable(tree)
    payload = {"complaint": complaint.pk, "amount_fen": 500_00}
    for user in (tree.user("city", "supervisor"), tree.user("a", "auditor")):
        assert api(user).post(REWARDS, payload, format="json").status_code == 403
    # District B cannot name district A's tip-off.
    response = api(tree.user("b", "admin")).post(REWARDS, payload, format="json")
    assert response.status_code == 400 and list(response.json()) == ["complaint"]
    admin = api(tree.user("a", "admin"))
    response = admin.post(REWARDS, {}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"complaint", "amount_fen"}
    response = admin.post(REWARDS, {**payload, "amount_fen": 100_00}, format="json")
    assert response.json() == {"amount_fen": ["奖励金额应在200至2000元之间。"]}
    unproven, _ = submit(tree.a, named=True)
    response = admin.post(REWARDS, {**payload, "complaint": unproven.pk}, format="json")
    assert response.json() == {"non_field_errors": ["只有查证属实的举报才能获得奖励。"]}
    assert not Reward.objects.exists()

    reward_id = admin.post(REWARDS, payload, format="json").json()["id"]
    base = f"{REWARDS}{reward_id}"
    assert admin.post(f"{base}/claim/", {}, format="json").status_code == 400
    assert admin.post(f"{base}/notify/", {"notified_on": "soon"}, format="json").json().keys() == {
        "notified_on"
    }
    assert (
        api(tree.user("city", "supervisor")).post(f"{base}/notify/", {}, format="json").status_code
        == 403
    )
    assert (
        api(tree.user("b", "admin")).post(f"{base}/notify/", {}, format="json").status_code == 404
    )
    assert Reward.objects.get().status == "decided"


def test_reward_payloads_never_carry_the_reporter(tree):
    complaint = _rewardable(tree)
    admin = api(tree.user("a", "admin"))
    decided = admin.post(REWARDS, {"complaint": complaint.pk, "amount_fen": 800_00}, format="json")
    base = f"{REWARDS}{decided.json()['id']}"
    responses = [
        decided,
        admin.post(f"{base}/notify/", {}, format="json"),
        admin.get(REWARDS),
        admin.get(f"{base}/"),
        admin.get(f"{base}/claim/"),
        api(tree.user("city", "supervisor")).get(REWARDS),
    ]
    for response in responses:
        assert response.status_code in (200, 201)
        text = response.content.decode()
        assert REPORTER_NAME not in text and REPORTER_PHONE not in text
        assert mask_phone(REPORTER_PHONE) not in text and "reporter" not in text
    schema = admin.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert not {"reporter_name", "reporter_phone"} & set(schema["Reward"]["properties"])


# Refund disputes -----------------------------------------------------------------------------


def test_refund_dispute_recorded_and_updated(tree):
    complaint, _ = submit(tree.a)
    officer = api(tree.user("a", "officer"))
    payload = {
        "complaint": complaint.pk,
        "students": 37,
        "amount_disputed_fen": 4_800_000_00,
        "amount_recovered_fen": 1_000_000_00,
    }
    created = officer.post(DISPUTES, payload, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "open" and body["amount_disputed_fen"] == 4_800_000_00
    base = f"{DISPUTES}{body['id']}/"
    again = officer.post(DISPUTES, payload, format="json")
    assert again.status_code == 400
    assert again.json() == {"complaint": ["该举报已登记退费纠纷，请改为更新。"]}

    patched = officer.patch(base, {"resolved": True}, format="json")
    assert patched.status_code == 200
    assert patched.json()["status"] == "resolved" and patched.json()["students"] == 37
    put = officer.put(base, {"students": 40, "amount_disputed_fen": 100}, format="json")
    assert put.status_code == 200
    assert put.json() | {"updated_at": None} == body | {
        "students": 40,
        "amount_disputed_fen": 100,
        "amount_recovered_fen": 0,
        "updated_at": None,
    }
    assert officer.get(DISPUTES, {"status": "open"}).json()["count"] == 1


def test_refund_dispute_refusals(tree):
    complaint, _ = submit(tree.a)
    payload = {"complaint": complaint.pk, "students": 3, "amount_disputed_fen": 900_00}
    for user in (tree.user("city", "supervisor"), tree.user("a", "auditor")):
        assert api(user).post(DISPUTES, payload, format="json").status_code == 403
    officer = api(tree.user("a", "officer"))
    response = officer.post(DISPUTES, {"students": -1}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"complaint", "students", "amount_disputed_fen"}
    response = officer.post(DISPUTES, {**payload, "amount_recovered_fen": 1000_00}, format="json")
    assert response.json() == {"amount_recovered_fen": ["追回金额不能超过争议金额。"]}
    base = f"{DISPUTES}{officer.post(DISPUTES, payload, format='json').json()['id']}/"
    assert api(tree.user("city", "supervisor")).get(base).status_code == 200
    assert api(tree.user("city", "supervisor")).patch(base, {}, format="json").status_code == 403
    assert (
        api(tree.user("b", "admin")).patch(base, {"students": 1}, format="json").status_code == 404
    )
    response = officer.patch(base, {"amount_recovered_fen": 1000_00}, format="json")
    assert list(response.json()) == ["amount_recovered_fen"]
    assert RefundDispute.objects.get().students == 3


def test_refund_totals_per_district(tree):
    for bureau, students in ((tree.a, 10), (tree.a, 5), (tree.b, 7)):
        dispute = make_record(RefundDispute, bureau, f"机构{students}")
        with acting(system_actor("tests")):
            RefundDispute.objects.filter(pk=dispute.pk).update(students=students)
    assert api(tree.user("a", "auditor")).get(f"{DISPUTES}totals/").status_code == 403
    totals = api(tree.user("a", "officer")).get(f"{DISPUTES}totals/").json()
    assert totals == {
        "districts": [
            {
                "district": "西湖区教育局",
                "disputes": 2,
                "students": 15,
                "disputed_fen": 7_200_000,
                "recovered_fen": 2_400_000,
            }
        ],
        "total": {
            "disputes": 2,
            "students": 15,
            "disputed_fen": 7_200_000,
            "recovered_fen": 2_400_000,
        },
    }
    city = api(tree.user("city", "supervisor")).get(f"{DISPUTES}totals/").json()
    assert [row["district"] for row in city["districts"]] == ["上城区教育局", "西湖区教育局"]
    assert city["total"]["students"] == 22 and city["total"]["disputed_fen"] == 10_800_000
    inspector = make_user("a_inspector2", tree.a, "inspector")
    assert api(inspector).get(f"{DISPUTES}totals/").status_code == 403
    empty = api(tree.user("b", "officer"))
    with acting(system_actor("tests")):
        RefundDispute.objects.filter(bureau=tree.b).delete()
    assert empty.get(f"{DISPUTES}totals/").json() == {
        "districts": [],
        "total": {"disputes": 0, "students": 0, "disputed_fen": 0, "recovered_fen": 0},
    }


# Schema and query counts ---------------------------------------------------------------------


def test_schema_documents_the_new_endpoints(tree):
    response = api(tree.user("a", "admin")).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths[ORDERS]) >= {"get", "post"}
    assert "post" in paths[f"{ORDERS}{{id}}/answer/"]
    assert "post" in paths[f"{REWARDS}{{id}}/notify/"] and "post" in paths[REWARDS]
    assert "post" in paths[f"{REWARDS}{{id}}/claim/"]
    assert {"get", "put", "patch"} <= set(paths[f"{DISPUTES}{{id}}/"])
    assert "get" in paths[f"{DISPUTES}totals/"]


def _many(tree, n=12):
    issuer = tree.user("city", "supervisor")
    with acting(system_actor("tests")):
        for i in range(n):
            complaint = make_complaint(
                tree.a, f"机构{i}", status=Complaint.Status.CONCLUDED, outcome="substantiated"
            )
            SupervisionOrder.objects.create(
                bureau=tree.a,
                issued_by=tree.city,
                issued_by_user=issuer,
                complaint=complaint,
                number=f"DB3301-2025-{i:04d}",
                subject=f"督办{i}",
                instructions="核查",
                due_on=timezone.localdate() + dt.timedelta(days=5),
            )
            Reward.objects.create(
                bureau=tree.a, complaint=complaint, amount_fen=300_00, notify_by=complaint.due_on
            )
            RefundDispute.objects.create(
                bureau=tree.a, complaint=complaint, students=2, amount_disputed_fen=500_00
            )


@pytest.mark.parametrize("url", [ORDERS, REWARDS, DISPUTES, f"{DISPUTES}totals/"])
def test_list_query_counts_are_pinned(tree, url, django_assert_num_queries):
    _many(tree)
    for user in (tree.user("a", "officer"), tree.user("city", "supervisor")):
        client = api(user)
        # session, user, memberships, then count + page (totals: per district + overall);
        # the subtree of a superior adds one query for its bureau ids.
        queries = 5 if user.username.startswith("a_") else 6
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
