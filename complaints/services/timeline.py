"""A tip-off's timeline: one event per step, shown to staff (and in part to the reporter)."""

import logging

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints.models import ComplaintEvent

logger = logging.getLogger("complaints.services")


def event_add(complaint, *, kind, actor=None, from_status="", note="", at=None) -> ComplaintEvent:
    """Add an event to the tip-off's timeline (its bureau is the tip-off's)."""
    return ComplaintEvent.objects.create(
        at=at or timezone.now(),
        complaint=complaint,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=complaint.status,
        note=note,
    )


def check_district(actor, record) -> None:
    """Staff write only in their own district (the caller already scoped the record)."""
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != record.bureau_id:
        raise PermissionDenied
