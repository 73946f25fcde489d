"""One tip-off: what was reported, its deadline, timeline and next steps; its attachments;
the audited reveal of the reporter's identity."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse
from django.utils import timezone

from bureaus.crypto import mask_name, mask_phone
from bureaus.pages import ScopedDetailView
from bureaus.permissions import membership_may
from complaints import extensions, selectors
from complaints.models import Complaint, ComplaintAttachment
from complaints.services import handling, rewards
from core import notifications


def _identity_display(membership, complaint):
    """What a user sees of the reporter: district staff a mask, superiors nothing."""
    if membership is None or membership.bureau_id != complaint.bureau_id:
        return None
    if not complaint.reporter_name and not complaint.reporter_phone:
        return {"anonymous": True}
    return {
        "anonymous": False,
        "name": mask_name(complaint.reporter_name),
        "phone": mask_phone(complaint.reporter_phone),
    }


def _one(complaint, name):
    """A reverse one-to-one read with select_related: the record, or None when there is none."""
    try:
        return getattr(complaint, name)
    except ObjectDoesNotExist:
        return None


class ComplaintDetailView(ScopedDetailView):
    """A tip-off: what was reported, its deadline, timeline, duplicates and the next steps."""

    model = Complaint
    permission_object = "complaint"
    template_name = "complaints/complaint_detail.html"

    def _steps(self, complaint, membership):
        """The steps this user may take now: investigation steps only for the handler or the
        district administrator."""
        handler = handling.complaint_is_handled_by(membership, complaint)
        return [
            step
            for step in handling.allowed_transitions(complaint)
            if handler or step not in ("note", "conclude")
        ]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        notifications.notifications_mark_read(user=request.user, link=request.path)
        return response

    def scope_queryset(self, queryset):
        # The reward and the refund dispute (one each at most) in the same query (issue 11).
        return queryset.select_related(
            "bureau", "assignee", "institution", "duplicate_of", "reward", "refund_dispute"
        )

    def get_context_data(self, **kwargs):
        complaint = self.object
        membership = self.membership
        in_district = membership.bureau_id == complaint.bureau_id
        may_change = in_district and membership_may(membership, "complaint.change")
        context = {
            "today": timezone.localdate(),
            "identity": _identity_display(membership, complaint),
            "events": complaint.events.select_related("actor"),
            "attachments": (
                complaint.attachments.all()
                if membership_may(membership, "complaintattachment.view")
                else []
            ),
            "allowed": self._steps(complaint, membership) if may_change else [],
            "may_reveal": handling.complaint_is_handled_by(membership, complaint)
            and complaint.is_named,
            "duplicates": (
                selectors.complaint_duplicates(complaint=complaint)
                if may_change and complaint.is_open
                else []
            ),
            "reward": _one(complaint, "reward"),
            "reward_refusal": rewards.reward_refusal(complaint),
            "refund": _one(complaint, "refund_dispute"),
            "orders": complaint.supervision_orders.select_related("issued_by"),
            "may_change": may_change,
            "may_reward": in_district and membership_may(membership, "complaint.reward"),
            "panels": extensions.render_panels(self.request, complaint),
        }
        return super().get_context_data(**context, **kwargs)


class ComplaintAttachmentView(ScopedDetailView):
    """Download an attachment (served through the scoping, never from a public URL)."""

    model = ComplaintAttachment
    permission_object = "complaintattachment"

    def get(self, request, *args, **kwargs):
        attachment = self.get_object()
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Content-Disposition"] = (
            f'inline; filename="{attachment.complaint_id}-{attachment.pk}'
            f'{attachment.file.name[attachment.file.name.rfind(".") :]}"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
