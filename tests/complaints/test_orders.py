"""Supervision orders from superiors and the overdue job."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints.models import (
    ComplaintEvent,
    SupervisionOrder,
)
from complaints.services import orders
from complaints.tasks import complaints_mark_overdue
from core.models import Notification
from tests.complaints.conftest import act, advance, submit

pytestmark = pytest.mark.django_db


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

    def issue(actor, district):
        due = timezone.localdate() + dt.timedelta(days=5)
        return orders.supervision_order_issue(
            actor=actor, district=district, subject="督办", instructions="请核查。", due_on=due
        )

    with pytest.raises(ValidationError):
        issue(outsider, tree.a)
    with pytest.raises(PermissionDenied):
        issue(act(tree.user("a", "admin")), tree.a)
    # The province supervisor may issue to any district below it.
    assert issue(act(tree.user("province", "supervisor")), tree.b).bureau == tree.b
