"""Refund disputes (退费纠纷) behind tip-offs: students and money involved, in fen."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent, RefundDispute
from complaints.services.timeline import check_district, event_add

E = ComplaintEvent.Kind


@transaction.atomic
def refund_dispute_record(
    *,
    actor,
    complaint: Complaint,
    students: int,
    amount_disputed_fen: int,
    amount_recovered_fen: int = 0,
    resolved: bool = False,
) -> RefundDispute:
    """Record or update the refund dispute behind a tip-off (students, money in dispute and
    recovered, in fen)."""
    check_district(actor, complaint)
    if amount_recovered_fen > amount_disputed_fen:
        raise ValidationError(
            {"amount_recovered_fen": _("More cannot be recovered than is in dispute.")}
        )
    # One dispute per tip-off, even when two people record it at once.
    Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
    dispute = RefundDispute.objects.filter(complaint=complaint).first() or RefundDispute(
        complaint=complaint
    )
    dispute.students = students
    dispute.amount_disputed_fen = amount_disputed_fen
    dispute.amount_recovered_fen = amount_recovered_fen
    dispute.status = RefundDispute.Status.RESOLVED if resolved else RefundDispute.Status.OPEN
    dispute.full_clean()
    dispute.save()
    event_add(complaint, kind=E.REFUND, actor=actor, note=dispute.get_status_display())
    return dispute
