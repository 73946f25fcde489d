"""Staff pages: the inbox (filters, pinned queries), intake by staff, workflow steps through
the pages, duplicate hints, supervision orders on both sides, refund totals, exports."""

import datetime as dt

import pytest
from django.utils import timezone

from bureaus.context import acting, system_actor
from complaints.models import Complaint, ComplaintEvent, SupervisionOrder
from tests.clients import page_client as login
from tests.complaints.conftest import advance, jpeg_with_gps, submit, upload
from tests.complaints.records import make_complaint

pytestmark = pytest.mark.django_db


def test_inbox_filters_and_pinned_queries(tree, django_assert_max_num_queries):
    with acting(system_actor("tests")):
        for i in range(25):
            make_complaint(tree.a, f"在办机构{i}", status="assigned", due_on=dt.date(2020, 1, 1))
        make_complaint(tree.a, "按期机构", status="assigned")
    client = login(tree.user("a", "officer"))
    query = {"status": "assigned", "overdue": "true"}
    # Once first: the working-day calendar's known years are read once per process (core.workdays)
    # and would count here or not depending on which test ran before.
    client.get("/complaints/", query)
    with django_assert_max_num_queries(7):
        response = client.get("/complaints/", query)
    body = response.content.decode()
    assert response.status_code == 200
    assert "在办机构3" in body and "按期机构" not in body
    assert body.count("已逾期") >= 25
    assert "已分派" in body


def test_staff_enter_a_hotline_tip_off(tree, institution_a):
    client = login(tree.user("a", "officer"))
    data = {
        "channel": "hotline",
        "external_ref": "",
        "institution": str(institution_a.pk),
        "category": "fees",
        "description": "拒不退费。",
        "reporter_name": "钱先生",
        "reporter_phone": "13600000000",
    }
    response = client.post("/complaints/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["external_ref"] == ["12345热线来件须填写工单号。"]
    response = client.post("/complaints/new/", {**data, "external_ref": "GD-9"})
    complaint = Complaint.objects.get()
    assert complaint.channel == "hotline" and complaint.institution == institution_a
    assert complaint.tracking_code in response.content.decode()
    assert response.context["secret"] in response.content.decode()
    again = client.post("/complaints/new/", {**data, "external_ref": "GD-9"})
    assert again.context["form"].errors["external_ref"] == ["该工单已经录入。"]
    # Supervisors and auditors cannot enter tip-offs.
    assert login(tree.user("city", "supervisor")).get("/complaints/new/").status_code == 403
    assert login(tree.user("a", "auditor")).get("/complaints/new/").status_code == 403


def test_workflow_through_the_pages_with_duplicate_hint(tree, institution_a):
    first, _ = submit(tree.a, institution=institution_a)
    second, _ = submit(tree.a, name="启明星学科辅导", institution=None)
    admin = login(tree.user("a", "admin"))
    detail = admin.get(f"/complaints/{second.pk}/").content.decode()
    assert "可能重复的举报" in detail and first.tracking_code in detail

    response = admin.post(f"/complaints/{second.pk}/merge/", {"into": first.tracking_code})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "merged" and second.duplicate_of == first

    assert admin.post(f"/complaints/{first.pk}/accept/", {}).status_code == 302
    officer_id = tree.user("a", "officer").pk
    assert (
        admin.post(f"/complaints/{first.pk}/assign/", {"assignee": officer_id}).status_code == 302
    )
    officer = login(tree.user("a", "officer"))
    response = officer.post(
        f"/complaints/{first.pk}/note/",
        {"note": "现场查见学生20名。", "files": [upload("scene.jpg", jpeg_with_gps())]},
    )
    assert response.status_code == 302
    attachment = first.attachments.get()
    download = officer.get(f"/complaints/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert (
        login(tree.user("city", "supervisor"))
        .get(f"/complaints/attachments/{attachment.pk}/")
        .status_code
        == 403
    )

    refused = officer.post(f"/complaints/{first.pk}/close/", {})
    assert refused.status_code == 400
    assert "不能归档" in refused.content.decode()
    response = officer.post(
        f"/complaints/{first.pk}/conclude/",
        {"outcome": "substantiated", "public_reply": "已责令停止违规培训。"},
    )
    assert response.status_code == 302
    page = officer.get(f"/complaints/{first.pk}/").content.decode()
    for label in ("已收到", "已受理", "已分派", "调查记录", "已办结", "现场查见学生20名"):
        assert label in page
    assert officer.post(f"/complaints/{first.pk}/close/", {}).status_code == 302
    first.refresh_from_db()
    assert first.status == "closed"
    assert first.events.filter(kind=ComplaintEvent.Kind.MERGED).exists()


def test_reward_and_refund_pages(tree):
    complaint, _ = submit(tree.a, named=True)
    complaint = advance(complaint, tree, "concluded")
    admin = login(tree.user("a", "admin"))
    assert (
        admin.post(f"/complaints/{complaint.pk}/reward/", {"amount_yuan": 100}).status_code == 400
    )
    assert (
        admin.post(f"/complaints/{complaint.pk}/reward/", {"amount_yuan": 500}).status_code == 302
    )
    today = timezone.localdate().isoformat()
    r = admin.post(f"/complaints/{complaint.pk}/reward/", {"step": "notify", "on": today})
    assert r.status_code == 302
    complaint.reward.refresh_from_db()
    assert complaint.reward.status == "notified" and complaint.reward.amount_fen == 50000

    false_report, _ = submit(tree.a, named=True)
    false_report = advance(false_report, tree, "concluded", outcome="false_report")
    page = admin.get(f"/complaints/{false_report.pk}/reward/").content.decode()
    assert "虚假举报不予奖励。" in page
    r = admin.post(f"/complaints/{false_report.pk}/reward/", {"amount_yuan": 500})
    assert r.status_code == 400 and not hasattr(Complaint.objects.get(pk=false_report.pk), "x")

    r = admin.post(
        f"/complaints/{complaint.pk}/refund/",
        {"students": 37, "amount_disputed": "48000.50", "amount_recovered": "12000"},
    )
    assert r.status_code == 302
    assert complaint.refund_dispute.amount_disputed_fen == 4_800_050
    totals = login(tree.user("city", "supervisor")).get("/complaints/refunds/").content.decode()
    assert "¥48,000.50" in totals and "¥12,000.00" in totals and "西湖区教育局" in totals


def test_supervision_order_both_sides(tree):
    complaint, _ = submit(tree.a)
    supervisor = login(tree.user("city", "supervisor"))
    page = supervisor.get("/complaints/supervision/").content.decode()
    assert "下达督办单" in page
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    bad = supervisor.post(
        "/complaints/supervision/",
        {
            "district": tree.a.pk,
            "complaint_code": "JBNOPE",
            "subject": "x",
            "instructions": "y",
            "due_on": due,
        },
    )
    assert bad.status_code == 400 and "该区县没有使用此查询码的举报。" in bad.content.decode()
    r = supervisor.post(
        "/complaints/supervision/",
        {
            "district": tree.a.pk,
            "complaint_code": complaint.tracking_code,
            "subject": "督办：违规培训",
            "instructions": "请五日内核查反馈。",
            "due_on": due,
        },
    )
    assert r.status_code == 302
    order = SupervisionOrder.objects.get()
    assert order.bureau == tree.a and order.issued_by == tree.city

    # District A sees and answers it; district B does not see it; an officer cannot issue.
    officer = login(tree.user("a", "officer"))
    assert "督办：违规培训" in officer.get("/complaints/supervision/").content.decode()
    assert "提醒" in officer.get("/complaints/").content.decode()
    assert (
        login(tree.user("b", "officer")).get(f"/complaints/supervision/{order.pk}/").status_code
        == 404
    )
    assert officer.post("/complaints/supervision/", {"district": tree.a.pk}).status_code == 403
    assert (
        supervisor.post(f"/complaints/supervision/{order.pk}/answer/", {"answer": "x"}).status_code
        == 403
    )
    r = officer.post(f"/complaints/supervision/{order.pk}/answer/", {"answer": "已责令停办整改。"})
    assert r.status_code == 302
    page = supervisor.get(f"/complaints/supervision/{order.pk}/").content.decode()
    assert "已责令停办整改。" in page and "已答复" in page
    assert order.number in supervisor.get(f"/complaints/{complaint.pk}/").content.decode()


def test_export_neutralises_formulas(tree):
    with acting(system_actor("tests")):
        make_complaint(tree.a, '=HYPERLINK("http://x")')
    csv = login(tree.user("a", "officer")).get("/complaints/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert csv.splitlines()[0].startswith("查询码,区县,渠道")


def test_district_admin_sets_the_deadlines(tree):
    admin = login(tree.user("a", "admin"))
    page = admin.get("/complaints/policy/")
    assert page.status_code == 200 and page.context["form"].initial["reply_days"] == 10
    bad = admin.post("/complaints/policy/", {"reply_days": 0, "claim_days": 20})
    assert bad.status_code == 200 and "reply_days" in bad.context["form"].errors
    assert admin.post("/complaints/policy/", {"reply_days": 5, "claim_days": 15}).status_code == 302
    complaint, _ = submit(tree.a)
    from core import workdays

    received = timezone.localtime(complaint.received_at).date()
    assert complaint.due_on == workdays.add_working_days(received, 5)
    other, _ = submit(tree.b)
    assert other.due_on == workdays.add_working_days(received, 10)
    for user in (tree.user("a", "officer"), tree.user("city", "supervisor")):
        assert login(user).get("/complaints/policy/").status_code == 403


def test_supervisor_opens_an_order_from_a_tip_off(tree):
    complaint, _ = submit(tree.a)
    supervisor = login(tree.user("city", "supervisor"))
    detail = supervisor.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "下达督办单" in detail
    page = supervisor.get(
        "/complaints/supervision/", {"district": tree.a.pk, "complaint": complaint.tracking_code}
    )
    form = page.context["issue_form"]
    assert form.initial["complaint_code"] == complaint.tracking_code
