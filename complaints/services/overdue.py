"""The hourly deadline job for tip-offs, supervision orders and rewards."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent
from complaints.services.orders import supervision_orders_mark_overdue
from complaints.services.rewards import rewards_expire, rewards_remind_notice
from complaints.services.timeline import event_add, logger
from core import deadlines, notifications


def complaints_mark_overdue(*, today: dt.date | None = None) -> dict:
    """Mark open tip-offs past their reply date and notify the handler (or, when none is
    assigned yet, the district administrators). Idempotent: a tip-off is marked and notified
    once."""
    today = today or timezone.localdate()
    marked = deadlines.mark_overdue(Complaint.objects.all(), today=today)
    notified = 0
    for complaint in Complaint.objects.filter(pk__in=marked).select_related("assignee"):
        event_add(complaint, kind=ComplaintEvent.Kind.OVERDUE)
        users = (
            [complaint.assignee]
            if complaint.assignee
            else notifications.district_staff(complaint.bureau_id, action="deadline.escalate")
        )
        notified += notifications.notify_many(
            users=users,
            bureau_id=complaint.bureau_id,
            message=_("Tip-off %(code)s is overdue: the reply was due on %(due)s.")
            % {"code": complaint.tracking_code, "due": complaint.due_on.isoformat()},
            link=f"/complaints/{complaint.pk}/",
            key=f"complaint-overdue:{complaint.pk}",
        )
    orders = supervision_orders_mark_overdue(today=today)
    expired = rewards_expire(today=today)
    notified += rewards_remind_notice(today=today)
    logger.info("overdue: %s tip-offs marked, %s notifications", len(marked), notified)
    return {
        "marked": len(marked),
        "notified": notified,
        "orders": orders,
        "rewards_expired": expired,
    }
