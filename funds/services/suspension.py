"""A fund warning proposes suspending its institution (停办整改, issue 14 item 7); an officer
confirms it, which takes the registry's own lifecycle step (institutions.services.lifecycle:
the institution's row locked, its status re-read, the step in its history and the audit trail),
or declines it with a reason. Once suspended the institution is held: no new fees into escrow,
refunds and releases for lessons already given stay possible (funds.services.ledger).

A red warning about the balance (below the minimum, coverage) left unresolved for
PROPOSE_AFTER_DAYS is proposed by the periodic job itself."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notifications import district_staff, notify_many
from core.workflow import Transition, Workflow
from funds.models import FundWarning
from institutions.models import Institution
from institutions.services.lifecycle import institution_change_status

W = FundWarning
P = FundWarning.Suspension
PROPOSE_AFTER_DAYS = 7
PROPOSED_BY_JOB = (W.Kind.BELOW_MINIMUM, W.Kind.COVERAGE)

SUSPENSION_FLOW = Workflow(
    field="suspension",
    transitions=[
        Transition(
            "propose", {P.NONE}, P.PROPOSED, "fundwarning.propose", gettext_lazy("proposed")
        ),
        Transition(
            "confirm", {P.PROPOSED}, P.CONFIRMED, "fundwarning.suspend", gettext_lazy("confirmed")
        ),
        Transition(
            "decline", {P.PROPOSED}, P.DECLINED, "fundwarning.suspend", gettext_lazy("declined")
        ),
    ],
    refusal=gettext_lazy("A suspension that is “%(status)s” cannot be %(action)s."),
)


def _institution(warning) -> Institution:
    return Institution.objects.get(pk=warning.account.institution_id)


def _propose(step, *, reason: str):
    warning = step.record
    if warning.status not in W.UNRESOLVED:
        raise ValidationError(_("Only an unresolved warning can propose a suspension."))
    institution = _institution(warning)
    if institution.status != Institution.Status.NORMAL:
        raise ValidationError(
            _("Only an institution in operation can be suspended (it is “%(status)s”).")
            % {"status": institution.get_status_display()}
        )
    warning.suspension_reason = reason
    warning.suspension_proposed_at = timezone.now()
    proposed = step.finish(fields=["suspension_reason", "suspension_proposed_at"])
    notify_many(
        users=district_staff(proposed.bureau_id, action="fundwarning.suspend"),
        bureau_id=proposed.bureau_id,
        message=_("Suspension proposed: %(name)s") % {"name": institution.name},
        link=reverse("funds:warning-detail", args=[proposed.pk]),
        key=f"fundwarning:{proposed.pk}:suspension",
    )
    return proposed


@transaction.atomic
def warning_propose_suspension(*, actor, warning: FundWarning, reason: str) -> FundWarning:
    """Staff propose suspending the institution a warning is about, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the institution should be suspended.")})
    return _propose(SUSPENSION_FLOW.begin(warning, "propose", actor=actor), reason=reason)


@transaction.atomic
def warning_confirm_suspension(*, actor, warning: FundWarning, note: str = "") -> FundWarning:
    """An officer confirms: the institution is suspended through the registry's lifecycle."""
    step = SUSPENSION_FLOW.begin(warning, "confirm", actor=actor)
    record = step.record
    institution = _institution(record)
    reason = _("Fund warning “%(kind)s”: %(detail)s. %(why)s") % {
        "kind": record.get_kind_display(),
        "detail": record.detail,
        "why": record.suspension_reason,
    }
    if note.strip():
        reason += " " + note.strip()
    institution_change_status(
        actor=actor, institution=institution, to_status=Institution.Status.SUSPENDED, reason=reason
    )
    record.suspension_decided_at = timezone.now()
    return step.finish(fields=["suspension_decided_at"])


@transaction.atomic
def warning_decline_suspension(*, actor, warning: FundWarning, note: str) -> FundWarning:
    """An officer declines the proposal, saying why; the warning itself stays as it is."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the institution is not suspended.")})
    step = SUSPENSION_FLOW.begin(warning, "decline", actor=actor)
    record = step.record
    record.suspension_decided_at = timezone.now()
    record.note = (record.note + "\n" if record.note else "") + note
    return step.finish(fields=["suspension_decided_at", "note"])


def suspensions_propose_due(*, today: dt.date) -> int:
    """The periodic job's part: red balance warnings unresolved for PROPOSE_AFTER_DAYS propose
    a suspension of their institution (once: a declined proposal is not made again)."""
    cutoff = today - dt.timedelta(days=PROPOSE_AFTER_DAYS)
    due = W.objects.filter(
        kind__in=PROPOSED_BY_JOB,
        level=W.Level.RED,
        status__in=W.UNRESOLVED,
        suspension=P.NONE,
        raised_at__date__lte=cutoff,
        account__institution__status=Institution.Status.NORMAL,
    ).values_list("pk", flat=True)
    proposed = 0
    for pk in list(due):
        with transaction.atomic():
            step = SUSPENSION_FLOW.begin_as_system(W.objects.get(pk=pk), "propose")
            reason = _("Red warning unresolved for %(days)s days or more.") % {
                "days": PROPOSE_AFTER_DAYS
            }
            try:
                _propose(step, reason=reason)
            except ValidationError:
                continue
            proposed += 1
    return proposed
