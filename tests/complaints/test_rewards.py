"""Rewards (seed 004 永川) and refund disputes behind tip-offs."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from complaints.models import (
    RefundDispute,
    Reward,
)
from complaints.services import handling, refunds, rewards
from complaints.tasks import complaints_mark_overdue
from core.models import Notification
from tests.complaints.conftest import act, advance, backdate, submit

pytestmark = pytest.mark.django_db


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


def _merged_and_concluded(tree, *, into: str):
    """Two named reports of one matter, one merged `into` the other ("earlier" or "later"),
    which is then concluded: (the concluded one, the merged one)."""
    admin = act(tree.user("a", "admin"))
    earlier, _ = submit(tree.a, named=True)
    later, _ = submit(tree.a, named=True)
    kept, merged = (earlier, later) if into == "earlier" else (later, earlier)
    handling.complaint_merge(actor=admin, complaint=merged, into=kept)
    return advance(kept, tree, "concluded"), merged


def test_reward_amount_range_and_first_report_only(tree):
    admin = act(tree.user("a", "admin"))
    original, duplicate = _merged_and_concluded(tree, into="earlier")
    for amount in (19999, 200001):
        with pytest.raises(ValidationError):
            rewards.reward_decide(actor=admin, complaint=original, amount_fen=amount)
    rewards.reward_decide(actor=admin, complaint=original, amount_fen=200000)
    duplicate.refresh_from_db()
    assert rewards.reward_refusal(duplicate) is not None


def test_earlier_report_merged_into_a_later_one_blocks_the_later_reward(tree):
    later, _earlier = _merged_and_concluded(tree, into="later")
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
