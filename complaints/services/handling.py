"""The staff workflow of a tip-off — triage, assignment, investigation, conclusion, closing —
and the reveal of the reporter's identity."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bureaus.audit import record_event
from bureaus.models import AuditEvent, Membership
from bureaus.permissions import allowed_roles, membership_may
from complaints.models import Complaint, ComplaintEvent
from complaints.services.intake import attach_files
from complaints.services.timeline import check_district, event_add, logger
from core.workflow import Transition, Workflow

S = Complaint.Status
E = ComplaintEvent.Kind
_OPEN = frozenset(Complaint.OPEN_STATUSES)

HANDLING = Workflow(
    transitions=[
        Transition(
            "accept", {S.RECEIVED}, S.ACCEPTED, "complaint.change", gettext_lazy("accepted")
        ),
        Transition(
            "reject", {S.RECEIVED}, S.REJECTED, "complaint.change", gettext_lazy("rejected")
        ),
        Transition(
            "merge", {S.RECEIVED, S.ACCEPTED}, S.MERGED, "complaint.change", gettext_lazy("merged")
        ),
        # Assigning (again) keeps the status, except that an accepted tip-off becomes assigned.
        Transition(
            "assign",
            {S.ACCEPTED, S.ASSIGNED, S.INVESTIGATING},
            None,
            "complaint.assign",
            gettext_lazy("assigned"),
        ),
        Transition(
            "note",
            {S.ASSIGNED, S.INVESTIGATING},
            S.INVESTIGATING,
            "complaint.change",
            gettext_lazy("given investigation notes"),
        ),
        Transition(
            "link", _OPEN, None, "complaint.change", gettext_lazy("linked to an institution")
        ),
        Transition(
            "conclude",
            {S.INVESTIGATING},
            S.CONCLUDED,
            "complaint.change",
            gettext_lazy("concluded"),
        ),
        Transition("close", {S.CONCLUDED}, S.CLOSED, "complaint.change", gettext_lazy("closed")),
    ],
    refusal=gettext_lazy("A tip-off that is “%(status)s” cannot be %(action)s."),
)


def allowed_transitions(complaint: Complaint) -> list[str]:
    """The steps the tip-off's status allows now (whoever takes them)."""
    return HANDLING.open_to(complaint)


def allowed_transitions_in(status: str) -> list[str]:
    """The steps a tip-off in `status` allows (a list row's, from its values)."""
    return HANDLING.open_in(status)


def complaint_is_handled_by(membership, complaint: Complaint) -> bool:
    """Investigation steps and the reporter's identity belong to the assigned handler, and to
    the roles that may handle any tip-off of the district (the administrator)."""
    return (
        membership is not None
        and membership.bureau_id == complaint.bureau_id
        and (
            complaint.assignee_id == membership.user_id
            or membership_may(membership, "complaint.handle_any")
        )
    )


def _check_handler(actor, complaint) -> None:
    if not complaint_is_handled_by(getattr(actor, "membership", None), complaint):
        raise PermissionDenied(_("Only the assigned handler or the administrator may do this."))


def _finish(step, *, kind, actor, note="", fields=(), to=None) -> Complaint:
    complaint = step.finish(fields=fields, to=to)
    event_add(complaint, kind=kind, actor=actor, from_status=step.from_state, note=note)
    logger.info(
        "complaint %s: %s (%s -> %s)", complaint.pk, kind, step.from_state, to or step.target
    )
    return complaint


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """Triage: the tip-off is within the bureau's remit and will be handled."""
    step = HANDLING.begin(complaint, "accept", actor=actor)
    return _finish(step, kind=E.ACCEPTED, actor=actor, note=note)


@transaction.atomic
def complaint_reject(
    *, actor, complaint: Complaint, public_reply: str, note: str = ""
) -> Complaint:
    """Triage: outside the bureau's remit; the reporter is told why (件件有回音)."""
    step = HANDLING.begin(complaint, "reject", actor=actor)
    if not public_reply.strip():
        raise ValidationError({"public_reply": _("Tell the reporter why it is out of scope.")})
    step.record.public_reply = public_reply.strip()
    step.record.concluded_at = timezone.now()
    return _finish(
        step, kind=E.REJECTED, actor=actor, note=note, fields=["public_reply", "concluded_at"]
    )


@transaction.atomic
def complaint_merge(*, actor, complaint: Complaint, into: Complaint, note: str = "") -> Complaint:
    """Triage: a duplicate of an open tip-off of the same district; its reporter follows the
    original's outcome."""
    step = HANDLING.begin(complaint, "merge", actor=actor)
    if into.pk == complaint.pk or into.bureau_id != complaint.bureau_id:
        raise ValidationError({"into": _("Choose another tip-off of your district.")})
    into = HANDLING.lock(into)
    if into.status == S.MERGED:
        raise ValidationError({"into": _("That tip-off was itself merged; choose the original.")})
    step.record.duplicate_of = into
    merged = _finish(
        step,
        kind=E.MERGED,
        actor=actor,
        note=note or into.tracking_code,
        fields=["duplicate_of"],
    )
    event_add(into, kind=E.MERGED, actor=actor, from_status=into.status, note=merged.tracking_code)
    return merged


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, assignee, note: str = "") -> Complaint:
    """Give the tip-off to an officer (or the administrator) of the district to investigate."""
    step = HANDLING.begin(complaint, "assign", actor=actor)
    if not Membership.objects.filter(
        user=assignee,
        bureau_id=complaint.bureau_id,
        is_active=True,
        role__in=allowed_roles("complaint.handle"),
    ).exists():
        raise ValidationError({"assignee": _("Choose an officer of this district.")})
    step.record.assignee = assignee
    to = S.ASSIGNED if step.from_state == S.ACCEPTED else None
    return _finish(
        step, kind=E.ASSIGNED, actor=actor, note=note or str(assignee), fields=["assignee"], to=to
    )


@transaction.atomic
def complaint_add_note(*, actor, complaint: Complaint, note: str, files=()) -> Complaint:
    """Investigate: a note of what was found, with photos or documents."""
    step = HANDLING.begin(complaint, "note", actor=actor)
    _check_handler(actor, step.record)
    if not note.strip():
        raise ValidationError({"note": _("Write what was found.")})
    attach_files(step.record, files, from_reporter=False)
    return _finish(step, kind=E.NOTE, actor=actor, note=note.strip())


@transaction.atomic
def complaint_link_institution(*, actor, complaint: Complaint, institution) -> Complaint:
    """Investigate: the registry institution the tip-off is about."""
    step = HANDLING.begin(complaint, "link", actor=actor)
    if institution.bureau_id != complaint.bureau_id:
        raise ValidationError({"institution": _("This institution is not in your district.")})
    step.record.institution = institution
    return _finish(
        step, kind=E.INSTITUTION, actor=actor, note=institution.name, fields=["institution"]
    )


@transaction.atomic
def complaint_conclude(
    *, actor, complaint: Complaint, outcome: str, public_reply: str, note: str = ""
) -> Complaint:
    """The finding (substantiated / unsubstantiated / false report) and the reply the reporter
    reads on the tracking page."""
    step = HANDLING.begin(complaint, "conclude", actor=actor)
    _check_handler(actor, step.record)
    if outcome not in Complaint.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if not public_reply.strip():
        raise ValidationError({"public_reply": _("Write the reply the reporter will read.")})
    record = step.record
    record.outcome = outcome
    record.public_reply = public_reply.strip()
    record.concluded_at = timezone.now()
    return _finish(
        step,
        kind=E.CONCLUDED,
        actor=actor,
        note=note or record.get_outcome_display(),
        fields=["outcome", "public_reply", "concluded_at"],
    )


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """The reporter has been answered and the file is closed."""
    step = HANDLING.begin(complaint, "close", actor=actor)
    step.record.closed_at = timezone.now()
    return _finish(step, kind=E.CLOSED, actor=actor, note=note, fields=["closed_at"])


@transaction.atomic
def complaint_reveal_reporter(*, actor, complaint: Complaint) -> dict:
    """The reporter's name and phone in clear, for the assigned handler or the district
    administrator only.

    Guarantee: every successful reveal writes one audit row (action "reveal") naming the user,
    the complaint and the fields revealed — never their values; anyone else gets
    PermissionDenied and nothing is decrypted for them."""
    check_district(actor, complaint)
    if not complaint_is_handled_by(actor.membership, complaint):
        raise PermissionDenied(
            _("Only the assigned handler or the district administrator may see the reporter.")
        )
    fields = [f for f in ("reporter_name", "reporter_phone") if getattr(complaint, f)]
    record_event(complaint, action=AuditEvent.Action.VIEW_SENSITIVE, changes={"revealed": fields})
    return {"name": complaint.reporter_name, "phone": complaint.reporter_phone}
