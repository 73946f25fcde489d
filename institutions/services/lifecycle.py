"""The institution's status lifecycle (issue 3 item 5): 筹设 → 正常 ↔ 停办整改, and → 取缔 /
注销 / 歇业, each step with its reason in the history. The steps are `rules.LIFECYCLE`, taken
through the shared workflow mechanism (core.workflow): the row is locked and its status re-read
before a step, and only the status is saved, so two changes at once make one step and an edit
made meanwhile is never reverted."""

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
LIFECYCLE = rules.LIFECYCLE
TRANSITIONS = rules.TRANSITIONS
# A white list names institutions parents may trust: one that is held or gone leaves it.
LEAVES_WHITE_LIST = (S.BANNED, S.DEREGISTERED, S.CLOSED, S.SUSPENDED)


def _begin(institution: Institution, name: str, *, actor):
    """The step under way; a person must act through a membership of the institution's own
    district allowed to change the registry, code acting for the platform (actor None: seeds,
    jobs) has no membership to check."""
    if actor is None:
        return LIFECYCLE.begin_as_system(institution, name)
    return LIFECYCLE.begin(institution, name, actor=actor)


@transaction.atomic
def institution_change_status(
    *, actor, institution: Institution, to_status: str, reason: str, decided_on=None
) -> StatusChange:
    """Move an institution along its lifecycle; only the allowed transitions, each with a
    reason, recorded in its history and the audit trail."""
    if to_status not in S.values:
        raise ValidationError({"to_status": [_("Choose a valid status.")]})
    name = rules.TRANSITION_TO.get(to_status)
    if name is None:  # back to 筹设: no step leads there
        refusal = rules.transition_refusal(
            from_status=institution.status, to_status=to_status, valid_kinds=()
        )
        raise ValidationError({"to_status": [refusal]})
    try:
        step = _begin(institution, name, actor=actor)
    except ValidationError as exc:
        raise ValidationError({"to_status": exc.messages}) from exc
    locked = step.record
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for this status change.")]})
    today = timezone.localdate()
    refusal = rules.transition_refusal(
        from_status=step.from_state,
        to_status=to_status,
        valid_kinds=valid_credential_kinds(locked, today),
    )
    if refusal:
        raise ValidationError({"to_status": [refusal]})
    step.finish()
    change = StatusChange.objects.create(
        institution=locked,
        from_status=step.from_state,
        to_status=to_status,
        reason=reason,
        decided_on=decided_on or today,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if to_status in LEAVES_WHITE_LIST:
        lift_active(
            locked,
            ListEntry.Kind.WHITE,
            reason=_("Status changed to “%(status)s”.") % {"status": S(to_status).label},
        )
    institution_refresh_warnings(institution=locked)
    institution.warning_codes = locked.warning_codes
    return change
