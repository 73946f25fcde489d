"""The workflow: every transition allowed from its statuses and refused from the others, who
may take investigation steps, supervision orders, rewards, refund disputes, the overdue job."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints.models import (
    Complaint,
    ComplaintEvent,
    RefundDispute,
    Reward,
    SupervisionOrder,
)
from complaints.services import handling, intake, orders, refunds, rewards
from complaints.tasks import complaints_mark_overdue
from core.models import Notification
from tests.complaints.conftest import act, advance, backdate, submit

pytestmark = pytest.mark.django_db

S = Complaint.Status
ALL = [s.value for s in S]


def _at(complaint, tree, status):
    """Put a fresh complaint into `status` the way the workflow would."""
    if status == "received":
        return complaint
    if status in ("rejected", "merged"):
        admin = act(tree.user("a", "admin"))
        if status == "rejected":
            handling.complaint_reject(
                actor=admin, complaint=complaint, public_reply="不属于本局职责。"
            )
        else:
            other, _ = submit(tree.a, name="另一家机构")
            handling.complaint_merge(actor=admin, complaint=complaint, into=other)
        complaint.refresh_from_db()
        return complaint
    return advance(complaint, tree, status)


def _take(step, complaint, tree):
    admin = act(tree.user("a", "admin"))
    officer = act(tree.user("a", "officer"))
    if step == "accept":
        return handling.complaint_accept(actor=admin, complaint=complaint)
    if step == "reject":
        return handling.complaint_reject(
            actor=admin, complaint=complaint, public_reply="不属于职责范围。"
        )
    if step == "merge":
        other, _ = submit(tree.a, name="重复机构")
        return handling.complaint_merge(actor=admin, complaint=complaint, into=other)
    if step == "assign":
        return handling.complaint_assign(actor=admin, complaint=complaint, assignee=officer)
    if step == "note":
        return handling.complaint_add_note(actor=admin, complaint=complaint, note="已到现场。")
    if step == "conclude":
        return handling.complaint_conclude(
            actor=admin, complaint=complaint, outcome="unsubstantiated", public_reply="未发现违规。"
        )
    if step == "close":
        return handling.complaint_close(actor=admin, complaint=complaint)
    raise AssertionError(step)


STEPS = ["accept", "reject", "merge", "assign", "note", "conclude", "close"]
CASES = [(step, status) for step in STEPS for status in ALL]


@pytest.mark.parametrize(("step", "status"), CASES, ids=[f"{a}-from-{b}" for a, b in CASES])
def test_transition_allowed_only_from_its_statuses(tree, step, status):
    complaint, _ = submit(tree.a)
    complaint = _at(complaint, tree, status)
    allowed = status in handling.HANDLING[step].sources
    events_before = complaint.events.count()
    if allowed:
        _take(step, complaint, tree)
        complaint.refresh_from_db()
        assert complaint.events.count() > events_before
        expected = handling.HANDLING[step].target
        if expected is not None:
            assert complaint.status == expected
        elif step == "assign" and status == "accepted":
            assert complaint.status == "assigned"
        else:
            assert complaint.status == status
    else:
        with pytest.raises(ValidationError) as excinfo:
            _take(step, complaint, tree)
        assert "不能" in str(excinfo.value.messages)
        complaint.refresh_from_db()
        assert complaint.status == status
        assert complaint.events.count() == events_before


def test_full_workflow_builds_the_timeline(tree):
    complaint, _ = submit(tree.a)
    complaint = advance(complaint, tree, "closed")
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["received", "accepted", "assigned", "note", "concluded", "closed"]
    assert complaint.outcome == "substantiated"
    assert complaint.closed_at and complaint.concluded_at


def test_only_the_handler_or_admin_investigates(tree):
    complaint, _ = submit(tree.a)
    advance(complaint, tree, "assigned")
    other = act(tree.users[("a", "officer")])
    # Another officer of the same district (not the handler) is refused.
    from tests.conftest import make_user

    stranger = act(make_user("a_officer2", tree.a, "officer"))
    with pytest.raises(PermissionDenied):
        handling.complaint_add_note(actor=stranger, complaint=complaint, note="看看")
    handling.complaint_add_note(actor=other, complaint=complaint, note="处理中")


def test_assignee_must_be_staff_of_the_district(tree):
    complaint, _ = submit(tree.a)
    admin = act(tree.user("a", "admin"))
    handling.complaint_accept(actor=admin, complaint=complaint)
    for outsider in (tree.user("b", "officer"), tree.user("a", "inspector")):
        with pytest.raises(ValidationError) as excinfo:
            handling.complaint_assign(actor=admin, complaint=complaint, assignee=outsider)
        assert excinfo.value.message_dict["assignee"] == ["请选择本区的科员。"]


def test_another_districts_staff_cannot_act(tree):
    complaint, _ = submit(tree.a)
    with pytest.raises(PermissionDenied):
        handling.complaint_accept(actor=act(tree.user("b", "admin")), complaint=complaint)


def test_reject_needs_a_reply_and_merge_needs_another_complaint(tree):
    complaint, _ = submit(tree.a)
    admin = act(tree.user("a", "admin"))
    with pytest.raises(ValidationError) as excinfo:
        handling.complaint_reject(actor=admin, complaint=complaint, public_reply=" ")
    assert "public_reply" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        handling.complaint_merge(actor=admin, complaint=complaint, into=complaint)
    elsewhere, _ = submit(tree.b)
    with pytest.raises(ValidationError):
        handling.complaint_merge(actor=admin, complaint=complaint, into=elsewhere)


def test_institution_routes_the_complaint_to_its_district(tree, institution_b):
    # The reporter chose district A, but the registry says the institution is in B.
    complaint, _ = submit(tree.a, institution=institution_b, name="")
    assert complaint.bureau == tree.b
    assert complaint.institution_name == "湖滨艺术培训学校"


def test_link_institution_only_of_own_district(tree, institution_a, institution_b):
    complaint, _ = submit(tree.a, name="启明星辅导")
    admin = act(tree.user("a", "admin"))
    with pytest.raises(ValidationError):
        handling.complaint_link_institution(
            actor=admin, complaint=complaint, institution=institution_b
        )
    handling.complaint_link_institution(actor=admin, complaint=complaint, institution=institution_a)
    complaint.refresh_from_db()
    assert complaint.institution == institution_a


def test_hotline_push_is_idempotent(tree):
    officer = act(tree.user("a", "officer"))
    fields = {
        "institution": None,
        "institution_name": "某培训机构",
        "institution_address": "",
        "category": "fees",
        "description": "拒不退费。",
        "observed_on": None,
    }
    first, created = intake.complaint_hotline_push(actor=officer, external_ref="GD2025-1", **fields)
    again, created_again = intake.complaint_hotline_push(
        actor=officer, external_ref="GD2025-1", **fields
    )
    assert created and not created_again and first.pk == again.pk
    assert first.channel == "hotline"


# Rewards (seed 004 永川) ---------------------------------------------------------------------


def test_reward_for_substantiated_named_first_report(tree):
    complaint, _ = submit(tree.a, named=True)
    complaint = backdate(advance(complaint, tree, "concluded"), dt.date(2025, 9, 22))
    admin = act(tree.user("a", "admin"))
    reward = rewards.reward_decide(actor=admin, complaint=complaint, amount_fen=50000)
    assert reward.status == Reward.Status.DECIDED
    # seed 004 永川: told within 10 days (日) of the tip-off, not the 10-working-day reply date.
    assert reward.notify_by == dt.date(2025, 10, 2)
    reward = rewards.reward_notify(actor=admin, reward=reward, notified_on=dt.date(2025, 9, 30))
    # 20 working days after 30 Sept 2025, across National Day (11 Oct is a make-up day): 4 Nov.
    assert reward.claim_by == dt.date(2025, 11, 4)
    reward = rewards.reward_claim(actor=admin, reward=reward, claimed_on=dt.date(2025, 11, 4))
    assert reward.status == Reward.Status.CLAIMED


@pytest.mark.parametrize(
    ("outcome", "named", "message"),
    [
        ("false_report", True, "虚假举报不予奖励。"),
        ("unsubstantiated", True, "只有查证属实的举报才能获得奖励。"),
        ("substantiated", False, "匿名举报无法奖励：举报人未留姓名和电话。"),
    ],
)
def test_reward_refused(tree, outcome, named, message):
    complaint, _ = submit(tree.a, named=named)
    complaint = advance(complaint, tree, "concluded", outcome=outcome)
    with pytest.raises(ValidationError) as excinfo:
        rewards.reward_decide(
            actor=act(tree.user("a", "admin")), complaint=complaint, amount_fen=50000
        )
    assert excinfo.value.messages == [message]
    assert not Reward.objects.exists()


def test_reward_amount_range_and_first_report_only(tree):
    admin = act(tree.user("a", "admin"))
    original, _ = submit(tree.a, named=True)
    duplicate, _ = submit(tree.a, named=True)
    handling.complaint_merge(actor=admin, complaint=duplicate, into=original)
    original = advance(original, tree, "concluded")
    for amount in (19999, 200001):
        with pytest.raises(ValidationError):
            rewards.reward_decide(actor=admin, complaint=original, amount_fen=amount)
    rewards.reward_decide(actor=admin, complaint=original, amount_fen=200000)
    duplicate.refresh_from_db()
    assert rewards.reward_refusal(duplicate) is not None


def test_earlier_report_merged_into_a_later_one_blocks_the_later_reward(tree):
    admin = act(tree.user("a", "admin"))
    earlier, _ = submit(tree.a, named=True)
    later, _ = submit(tree.a, named=True)
    handling.complaint_merge(actor=admin, complaint=earlier, into=later)
    later = advance(later, tree, "concluded")
    assert "只奖励" in rewards.reward_refusal(later)


def test_unclaimed_reward_expires(tree):
    complaint, _ = submit(tree.a, named=True)
    complaint = backdate(advance(complaint, tree, "concluded"), dt.date(2025, 9, 22))
    admin = act(tree.user("a", "admin"))
    reward = rewards.reward_decide(actor=admin, complaint=complaint, amount_fen=20000)
    reward = rewards.reward_notify(actor=admin, reward=reward, notified_on=dt.date(2025, 9, 30))
    with pytest.raises(ValidationError):
        rewards.reward_claim(actor=admin, reward=reward, claimed_on=dt.date(2025, 11, 5))
    result = complaints_mark_overdue.apply(args=["2025-11-05"]).get()
    assert result["rewards_expired"] == 1
    reward.refresh_from_db()
    assert reward.status == Reward.Status.EXPIRED


# Overdue job ---------------------------------------------------------------------------------


def test_overdue_job_marks_and_notifies_once(tree):
    assigned, _ = submit(tree.a)
    assigned = advance(assigned, tree, "assigned")
    unassigned, _ = submit(tree.a)
    done, _ = submit(tree.a)
    done = advance(done, tree, "concluded")
    day_after = (assigned.due_on + dt.timedelta(days=1)).isoformat()

    result = complaints_mark_overdue.apply(args=[day_after]).get()
    assert result["marked"] == 2
    assigned.refresh_from_db()
    assert assigned.overdue_since == assigned.due_on + dt.timedelta(days=1)
    assert assigned.events.filter(kind=ComplaintEvent.Kind.OVERDUE).count() == 1
    officer_note = Notification.objects.get(user=tree.user("a", "officer"))
    assert assigned.tracking_code in officer_note.message and "已逾期" in officer_note.message
    # Unassigned: the district administrator is told.
    assert Notification.objects.filter(
        user=tree.user("a", "admin"), message__contains=unassigned.tracking_code
    ).exists()
    done.refresh_from_db()
    assert done.overdue_since is None

    again = complaints_mark_overdue.apply(args=[day_after]).get()
    assert again["marked"] == 0 and again["notified"] == 0
    assert Notification.objects.count() == 2


# Supervision orders --------------------------------------------------------------------------


def test_supervision_order_issue_answer_and_overdue(tree):
    supervisor = act(tree.user("city", "supervisor"))
    complaint, _ = submit(tree.a)
    due = timezone.localdate() + dt.timedelta(days=5)
    order = orders.supervision_order_issue(
        actor=supervisor,
        district=tree.a,
        complaint=complaint,
        subject="督办：启明星违规培训",
        instructions="请立即核查。",
        due_on=due,
    )
    assert order.bureau == tree.a and order.issued_by == tree.city
    assert order.number.startswith("DB3301-")
    assert SupervisionOrder.objects.visible_to(act(tree.user("a", "officer"))).filter(pk=order.pk)
    assert SupervisionOrder.objects.visible_to(supervisor).filter(pk=order.pk)
    assert not SupervisionOrder.objects.visible_to(act(tree.user("b", "officer"))).filter(
        pk=order.pk
    )
    assert Notification.objects.filter(user=tree.user("a", "officer")).exists()

    result = complaints_mark_overdue.apply(args=[(due + dt.timedelta(days=1)).isoformat()]).get()
    assert result["orders"] == 1
    # Flagged on both sides: the district and the issuing supervisor.
    assert Notification.objects.filter(
        user=tree.user("city", "supervisor"), key=f"order-overdue:{order.pk}"
    ).exists()
    assert Notification.objects.filter(
        user=tree.user("a", "admin"), key=f"order-overdue:{order.pk}"
    ).exists()

    officer = act(tree.user("a", "officer"))
    order.refresh_from_db()
    orders.supervision_order_answer(actor=officer, order=order, answer="已核查并责令整改。")
    order.refresh_from_db()
    assert order.status == "answered" and order.answered_by == tree.user("a", "officer")
    with pytest.raises(ValidationError):
        orders.supervision_order_answer(actor=officer, order=order, answer="再答一次")
    with pytest.raises(PermissionDenied):
        orders.supervision_order_answer(
            actor=act(tree.user("b", "officer")), order=order, answer="x"
        )


def test_supervision_order_only_within_the_supervisors_subtree(tree):
    from bureaus.models import Bureau
    from tests.conftest import make_user

    other_city = Bureau.objects.create(
        code="3302", name="宁波市教育局", level="city", parent=tree.province
    )
    outsider = act(make_user("nb_supervisor", other_city, "supervisor"))
    due = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(ValidationError):
        orders.supervision_order_issue(
            actor=outsider, district=tree.a, subject="x", instructions="y", due_on=due
        )
    with pytest.raises(PermissionDenied):
        orders.supervision_order_issue(
            actor=act(tree.user("a", "admin")),
            district=tree.a,
            subject="x",
            instructions="y",
            due_on=due,
        )
    # The province supervisor may issue to any district below it.
    orders.supervision_order_issue(
        actor=act(tree.user("province", "supervisor")),
        district=tree.b,
        subject="省厅督办",
        instructions="请核查。",
        due_on=due,
    )


# Refund disputes -----------------------------------------------------------------------------


def test_refund_dispute_totals(tree):
    from complaints.selectors import refund_totals

    admin_a = act(tree.user("a", "admin"))
    admin_b = act(tree.user("b", "admin"))
    for bureau, admin, students, disputed, recovered in (
        (tree.a, admin_a, 30, 4_500_000, 1_000_000),
        (tree.a, admin_a, 10, 500_000, 500_000),
        (tree.b, admin_b, 5, 100_000, 0),
    ):
        complaint, _ = submit(bureau)
        refunds.refund_dispute_record(
            actor=admin,
            complaint=complaint,
            students=students,
            amount_disputed_fen=disputed,
            amount_recovered_fen=recovered,
        )
    another, _ = submit(tree.a)
    with pytest.raises(ValidationError):
        refunds.refund_dispute_record(
            actor=admin_a,
            complaint=another,
            students=1,
            amount_disputed_fen=100,
            amount_recovered_fen=200,
        )
    totals = {
        t["bureau__name"]: t
        for t in refund_totals(
            queryset=RefundDispute.objects.visible_to(act(tree.user("city", "supervisor")))
        )
    }
    assert totals["西湖区教育局"]["students"] == 40
    assert totals["西湖区教育局"]["disputed"] == 5_000_000
    assert totals["西湖区教育局"]["recovered"] == 1_500_000
    assert totals["上城区教育局"]["disputes"] == 1
    only_a = refund_totals(
        queryset=RefundDispute.objects.visible_to(act(tree.user("a", "officer")))
    )
    assert [t["bureau__name"] for t in only_a] == ["西湖区教育局"]


def test_late_reward_notice_reminds_the_administrator(tree):
    complaint, _ = submit(tree.a, named=True)
    complaint = advance(complaint, tree, "concluded")
    reward = rewards.reward_decide(
        actor=act(tree.user("a", "admin")), complaint=complaint, amount_fen=30000
    )
    day_after = (reward.notify_by + dt.timedelta(days=1)).isoformat()
    complaints_mark_overdue.apply(args=[day_after]).get()
    note = Notification.objects.get(user=tree.user("a", "admin"), key=f"reward-notice:{reward.pk}")
    assert complaint.tracking_code in note.message
    # Opening the tip-off marks the reminder read.
    from django.test import Client

    client = Client()
    client.force_login(tree.user("a", "admin"))
    client.get(f"/complaints/{complaint.pk}/")
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("启明星学科辅导中心", "启明星学科辅导", True),
        ("西湖知行击剑艺术培训中心", "知行击剑", True),
        ("西湖彩虹国画培训有限公司", "西湖蓝天国画培训有限公司", False),
        ("西湖知行击剑艺术培训中心", "西湖新东方艺职业技能艺术培训中心", False),
        ("培训中心", "培训学校", False),
    ],
)
def test_names_match(a, b, same):
    from complaints.selectors import names_match

    assert names_match(a, b, district="西湖") is same


def test_duplicate_hints_at_triage(tree, institution_a):
    from complaints.selectors import complaint_duplicates

    first, _ = submit(tree.a, institution=institution_a)
    by_name, _ = submit(tree.a, name="西湖启明星学科辅导", institution_address="")
    by_address, _ = submit(
        tree.a, name="无名补习班", institution_address="杭州市西湖区文三路100号2楼"
    )
    unrelated, _ = submit(
        tree.a, name="西湖蓝天国画培训有限公司", institution_address="天目山路5号"
    )
    elsewhere, _ = submit(tree.b, name="启明星学科辅导中心")
    closed, _ = submit(tree.a, name="启明星学科辅导中心")
    advance(closed, tree, "closed")
    found = {c.pk for c in complaint_duplicates(complaint=first)}
    assert found == {by_name.pk, by_address.pk}
    assert unrelated.pk not in found and elsewhere.pk not in found
