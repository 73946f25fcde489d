"""The institution's status lifecycle (issue 3 item 5): 筹设 → 正常 ↔ 停办整改, and → 取缔 /
注销 / 歇业, each step with its reason in the history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions import rules
from institutions.models import Institution, ListEntry, StatusChange
from institutions.services.credentials import valid_credential_kinds
from institutions.services.lists import lift_active
from institutions.services.registry import institution_refresh_warnings

S = Institution.Status
TRANSITIONS = rules.TRANSITIONS
# A white list names institutions parents may trust: one that is held or gone leaves it.
LEAVES_WHITE_LIST = (S.BANNED, S.DEREGISTERED, S.CLOSED, S.SUSPENDED)


@transaction.atomic
def institution_change_status(
    *, actor, institution: Institution, to_status: str, reason: str, decided_on=None
) -> StatusChange:
    """Move an institution along its lifecycle; only the allowed transitions, each with a
    reason, recorded in its history and the audit trail. The row is locked and its state
    re-read first, so two changes at once cannot both start from the same status."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    from_status = institution.status
    reason = (reason or "").strip()
    if to_status not in S.values:
        raise ValidationError({"to_status": [_("Choose a valid status.")]})
    today = timezone.localdate()
    refusal = rules.transition_refusal(
        from_status=from_status,
        to_status=to_status,
        valid_kinds=valid_credential_kinds(institution, today),
    )
    if refusal:
        raise ValidationError({"to_status": [refusal]})
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for this status change.")]})
    institution.status = to_status
    institution.save(update_fields=["status", "updated_at"])
    change = StatusChange.objects.create(
        institution=institution,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        decided_on=decided_on or today,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if to_status in LEAVES_WHITE_LIST:
        lift_active(
            institution,
            ListEntry.Kind.WHITE,
            reason=_("Status changed to “%(status)s”.") % {"status": S(to_status).label},
        )
    institution_refresh_warnings(institution=institution)
    return change
