"""Rectification notices: every transition, the refusals, the numbering, deadlines in working
days across National Day 2026, the periodic job (run twice, through a real worker)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import Notification
from inspections.models import RectificationNotice
from inspections.services import notices
from inspections.tasks import notices_chase
from tests.conftest import celery_worker_process
from tests.inspections.conftest import act, answer_all, chased

pytestmark = pytest.mark.django_db
N = RectificationNotice.Status


def _issue(tree, visit, findings, *, requirements="整改", working_days=5, role="officer"):
    """A notice on `visit` citing `findings`, issued by district a's user of `role`."""
    return notices.notice_issue(
        actor=act(tree.user("a", role)),
        inspection=visit,
        findings=findings,
        requirements=requirements,
        working_days=working_days,
    )


def test_notice_is_numbered_and_due_in_working_days(notice, tree):
    year = timezone.localdate().year
    assert notice.number == f"西教整改〔{year}〕1号"
    assert notice.status == N.ISSUED and notice.bureau == tree.a
    assert notice.due_on > timezone.localdate()
    assert notice.findings.count() == 1


def test_numbers_follow_each_other(notice, tree, visit):
    second = _issue(tree, visit, list(notice.findings.all()), working_days=3)
    assert second.number.endswith("〕2号")


def test_deadline_across_national_day_2026(tree, visit, monkeypatch):
    """Issued on Tuesday 29 September 2026 with 4 working days: 30 Sep is one, 1–7 October
    are holidays, 8 and 9 October are two and three, and Saturday 10 October is a make-up
    working day (调休), the fourth."""
    findings = answer_all(visit, act(tree.user("a", "inspector")))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 9, 29))
    notice = _issue(tree, visit, findings[:1], requirements="整改消防通道", working_days=4)
    assert notice.due_on == dt.date(2026, 10, 10)


@pytest.mark.parametrize("days", [0, -3, 500])
def test_a_deadline_not_in_the_future_is_refused_and_nothing_written(tree, visit, days):
    findings = answer_all(visit, act(tree.user("a", "inspector")))
    with pytest.raises(ValidationError) as exc:
        _issue(tree, visit, findings[:1], working_days=days)
    assert "working_days" in exc.value.message_dict
    assert not RectificationNotice.objects.exists()


def test_a_compliant_finding_cannot_be_cited(tree, visit):
    findings = answer_all(visit, act(tree.user("a", "inspector")), violations=0)
    with pytest.raises(ValidationError) as exc:
        _issue(tree, visit, findings[:1])
    assert "findings" in exc.value.message_dict
    assert not RectificationNotice.objects.exists()


def test_inspector_cannot_issue_and_sibling_cannot_touch(tree, visit, notice):
    with pytest.raises(PermissionDenied):
        _issue(tree, visit, list(notice.findings.all()), requirements="x", role="inspector")
    with pytest.raises(PermissionDenied):
        notices.notice_verify(actor=act(tree.user("b", "officer")), notice=notice)


def test_evidence_then_verified_closed(tree, notice):
    officer = act(tree.user("a", "officer"))
    notice = notices.notice_submit_evidence(
        actor=act(tree.user("a", "inspector")), notice=notice, evidence="已公示，附照片"
    )
    assert notice.status == N.SUBMITTED and notice.evidence_at
    notice = notices.notice_verify(actor=officer, notice=notice, note="复查属实")
    assert notice.status == N.CLOSED and notice.verified_by == officer
    with pytest.raises(ValidationError):
        notices.notice_verify(actor=officer, notice=notice)
    with pytest.raises(ValidationError):
        notices.notice_submit_evidence(actor=officer, notice=notice, evidence="again")


def test_rejected_then_reissued_with_a_new_deadline(tree, notice):
    officer = act(tree.user("a", "officer"))
    notices.notice_submit_evidence(actor=officer, notice=notice, evidence="口头说明")
    with pytest.raises(ValidationError):
        notices.notice_reject(actor=officer, notice=notice, note=" ")
    notice = notices.notice_reject(actor=officer, notice=notice, note="证据不足")
    assert notice.status == N.REJECTED
    old_due = notice.due_on
    notice = notices.notice_reissue(actor=officer, notice=notice, working_days=10)
    assert notice.status == N.ISSUED and notice.reissue_count == 1
    assert notice.due_on > old_due and notice.overdue_since is None
    with pytest.raises(ValidationError):
        notices.notice_reissue(actor=officer, notice=notice, working_days=10)


def test_rejection_needs_submitted_evidence(tree, notice):
    with pytest.raises(ValidationError):
        notices.notice_reject(actor=act(tree.user("a", "officer")), notice=notice, note="x")


def _move_due(notice, day):
    RectificationNotice.objects.filter(pk=notice.pk).update(due_on=day)
    notice.refresh_from_db()
    return notice


def test_job_reminds_marks_overdue_escalates_once(tree, notice):
    due = dt.date(2026, 10, 10)
    notice = _move_due(notice, due)
    # Three working days before (8, 9, 10 October): the issuing officer is reminded, once.
    assert notices_chase(today="2026-10-08") == chased(reminded=1)
    assert notices_chase(today="2026-10-08") == chased()
    assert notices_chase(today="2026-10-10") == chased()
    # The day after the deadline: overdue, escalated to the district administrator.
    assert notices_chase(today="2026-10-11") == chased(marked=1, escalated=1, warnings=1)
    notice.refresh_from_db()
    assert notice.status == N.ESCALATED and notice.overdue_since == dt.date(2026, 10, 11)
    admin = tree.user("a", "admin")
    assert Notification.objects.filter(user=admin, key__startswith="notice-escalated").count() == 1
    # Running it again changes nothing and sends nothing.
    before = Notification.objects.count()
    assert notices_chase(today="2026-10-11") == chased()
    assert notices_chase(today="2026-10-12") == chased()
    assert Notification.objects.count() == before
    # Evidence may still arrive on an escalated notice.
    notice = notices.notice_submit_evidence(
        actor=act(tree.user("a", "officer")), notice=notice, evidence="已整改"
    )
    assert notice.status == N.SUBMITTED


def test_job_leaves_answered_notices_alone(tree, notice):
    notice = _move_due(notice, dt.date(2026, 10, 10))
    notices.notice_submit_evidence(
        actor=act(tree.user("a", "officer")), notice=notice, evidence="x"
    )
    assert notices_chase(today="2026-10-20") == chased()


def test_escalate_is_not_a_staff_step(tree, notice):
    assert "escalate" not in notices.notice_allowed_steps(notice)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_job_runs_through_a_real_worker(tree, notice):
    _move_due(notice, dt.date(2026, 10, 10))
    with celery_worker_process() as queue:
        result = notices_chase.apply_async(kwargs={"today": "2026-10-12"}, queue=queue)
        assert result.get(timeout=60) == chased(marked=1, escalated=1, warnings=1)
        again = notices_chase.apply_async(kwargs={"today": "2026-10-12"}, queue=queue)
        assert again.get(timeout=60) == chased()
    notice.refresh_from_db()
    assert notice.status == N.ESCALATED


def test_beat_schedules_the_chase(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["inspections-chase-notices"]
    assert entry["task"] == "inspections.tasks.notices_chase"
