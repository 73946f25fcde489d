"""The notice's workflow: issued from violation findings with a deadline in working days,
then evidence, verification, rejection and re-issue, or a sanction. Every step goes through
the workflow (row locked, state re-checked) and recomputes its share's figures."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from bureaus.permissions import membership_may
from core.numbering import next_number
from core.workdays import add_working_days
from core.workflow import Transition, Workflow
from inspections import warnings
from inspections.models import Finding, Inspection, RectificationNotice
from inspections.services.figures import figures_refresh
from institutions.models import Institution
from institutions.services.lifecycle import institution_change_status

N = RectificationNotice.Status
CHANGE = "rectificationnotice.change"
NUMBER_KIND = "rectification-notice"
MAX_WORKING_DAYS = 120
REMIND_WORKING_DAYS = 3

NOTICE = Workflow(
    transitions=[
        Transition(
            "submit",
            {N.ISSUED, N.ESCALATED},
            N.SUBMITTED,
            "rectificationnotice.evidence",
            gettext_lazy("given evidence"),
        ),
        Transition(
            "verify",
            {N.SUBMITTED},
            N.CLOSED,
            "rectificationnotice.change",
            gettext_lazy("verified"),
        ),
        Transition(
            "reject",
            {N.SUBMITTED},
            N.REJECTED,
            "rectificationnotice.change",
            pgettext_lazy("evidence transition", "rejected"),
        ),
        Transition(
            "reissue",
            {N.REJECTED},
            N.ISSUED,
            "rectificationnotice.change",
            gettext_lazy("re-issued"),
        ),
        Transition(
            "escalate", {N.ISSUED}, N.ESCALATED, "deadline.escalate", gettext_lazy("escalated")
        ),
        Transition(
            "sanction",
            {N.ISSUED, N.REJECTED, N.ESCALATED},
            N.SANCTIONED,
            "rectificationnotice.change",
            gettext_lazy("ended by a sanction"),
        ),
    ],
    refusal=gettext_lazy("A notice that is “%(status)s” cannot be %(action)s."),
)


def notice_allowed_steps(notice: RectificationNotice) -> list[str]:
    return [s for s in NOTICE.open_to(notice) if s != "escalate"]


def notice_document_allowed(notice: RectificationNotice) -> bool:
    """The PDF states the current deadline: there is one while the notice is owed."""
    return notice.status in (N.ISSUED, N.ESCALATED)


def link(notice) -> str:
    """Where a notification about a notice (or a notice's id) points."""
    return f"/inspections/notices/{getattr(notice, 'pk', notice)}/"


def number_prefix(bureau) -> str:
    """“西教整改”: the district's first character, 教 for the education bureau, 整改."""
    return f"{bureau.name[:1]}教整改"


def _due_on(working_days: int) -> dt.date:
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            {
                "working_days": _("Give between 1 and %(max)s working days.")
                % {"max": MAX_WORKING_DAYS}
            }
        )
    return add_working_days(timezone.localdate(), working_days)


@transaction.atomic
def notice_issue(
    *, actor, inspection: Inspection, findings, requirements: str, working_days: int
) -> RectificationNotice:
    """Issue a notice from one or more violation findings of the visit, due in `working_days`
    working days from today (the calendar's holidays and 调休 make-up days counted)."""
    visit = _visit_for_notice(inspection, actor=actor)
    findings = list(findings)
    errors = {}
    if not findings:
        errors["findings"] = _("Choose at least one violation finding.")
    elif any(
        f.inspection_id != inspection.pk or f.result != Finding.Result.VIOLATION for f in findings
    ):
        errors["findings"] = _("Only violation findings of this visit can be cited.")
    if not requirements.strip():
        errors["requirements"] = _("Write what must be rectified.")
    if errors:
        raise ValidationError(errors)
    due_on = _due_on(working_days)
    now = timezone.now()
    notice = RectificationNotice(
        inspection=visit,
        number="-",
        requirements=requirements.strip(),
        working_days=working_days,
        due_on=due_on,
        issued_at=now,
        issued_by=actor,
    )
    notice.full_clean(exclude=["number"])
    year = timezone.localdate().year
    n = next_number(bureau=inspection.bureau_id, kind=NUMBER_KIND, year=year)
    notice.number = f"{number_prefix(inspection.bureau)}〔{year}〕{n}号"
    notice.save()
    notice.findings.set(findings)
    figures_refresh([visit.share_id])
    return notice


def _refreshed(notice: RectificationNotice) -> RectificationNotice:
    """The notice after a transition: its share's figures recomputed and its institution's
    inspection warnings put right (closed or sanctioned clears them), same transaction."""
    share_id, institution_id = Inspection.objects.values_list("share_id", "institution_id").get(
        pk=notice.inspection_id
    )
    figures_refresh([share_id])
    warnings.institutions_sync([institution_id])
    return notice


def _visit_for_notice(inspection, *, actor):
    """The visit, locked: the district's own, started, by a role that issues notices."""
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != inspection.bureau_id:
        raise PermissionDenied
    if not membership_may(membership, "rectificationnotice.change"):
        raise PermissionDenied
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status == Inspection.Status.PLANNED:
        raise ValidationError(_("A notice is issued after the visit has started."))
    return locked


@transaction.atomic
def notice_submit_evidence(*, actor, notice: RectificationNotice, evidence: str):
    """Record the institution's evidence of rectification (received by the district)."""
    step = NOTICE.begin(notice, "submit", actor=actor)
    return _evidence_recorded(step, _evidence_text(evidence))


@transaction.atomic
def notice_submit_evidence_from_institution(
    *, actor, notice: RectificationNotice, institution_id: int, evidence: str
):
    """The institution's own evidence, sent from its portal (机构端) by an institution account,
    which holds no membership: the caller (portal) vouches that `actor` speaks for
    `institution_id`; a notice addressed to any other institution is refused (PermissionDenied)
    before anything is locked. The same transition as `notice_submit_evidence`: row locked,
    state re-checked, so two submissions at once make one."""
    if notice.inspection.institution_id != institution_id:
        raise PermissionDenied
    text = _evidence_text(evidence)
    return _evidence_recorded(NOTICE.begin_as_system(notice, "submit"), text)


def _evidence_text(evidence: str) -> str:
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe the evidence of rectification.")})
    return evidence.strip()


def _evidence_recorded(step, text: str):
    """The "submit" transition's write, whoever sends the evidence."""
    step.record.evidence = text
    step.record.evidence_at = timezone.now()
    return _refreshed(step.finish(fields=["evidence", "evidence_at"]))


@transaction.atomic
def notice_verify(*, actor, notice: RectificationNotice, note: str = ""):
    """The rectification is verified: the notice is closed."""
    step = NOTICE.begin(notice, "verify", actor=actor)
    step.record.review_note = note.strip()
    step.record.verified_at = timezone.now()
    step.record.verified_by = actor
    return _refreshed(step.finish(fields=["review_note", "verified_at", "verified_by"]))


@transaction.atomic
def notice_reject(*, actor, notice: RectificationNotice, note: str):
    """The evidence does not show the rectification; the district re-issues with a new date."""
    step = NOTICE.begin(notice, "reject", actor=actor)
    if not note.strip():
        raise ValidationError({"note": _("Say why the evidence is not enough.")})
    step.record.review_note = note.strip()
    return _refreshed(step.finish(fields=["review_note"]))


@transaction.atomic
def notice_reissue(*, actor, notice: RectificationNotice, working_days: int):
    """Give the institution a new deadline after a rejection (same number, counted again)."""
    step = NOTICE.begin(notice, "reissue", actor=actor)
    record = step.record
    record.due_on = _due_on(working_days)
    record.working_days = working_days
    record.overdue_since = None
    record.reissue_count += 1
    record.issued_at = timezone.now()
    return _refreshed(
        step.finish(
            fields=["due_on", "working_days", "overdue_since", "reissue_count", "issued_at"]
        )
    )


MAX_STUDENTS = 1_000_000
MAX_REFUND_FEN = 10**13  # 1000亿元: beyond any institution's books


@transaction.atomic
def notice_sanction(
    *,
    actor,
    notice: RectificationNotice,
    sanction: str,
    reason: str,
    students_placed: int = 0,
    refund_students: int = 0,
    refunded_fen: int = 0,
) -> RectificationNotice:
    """The institution did not rectify: it is suspended for rectification (停办整改) or banned
    (取缔) through the registry's lifecycle service, and the notice ends with that sanction and
    the numbers of students placed elsewhere and of fees refunded. All or nothing: a status
    the registry refuses leaves the notice as it was."""
    step = NOTICE.begin(notice, "sanction", actor=actor)
    errors = {}
    targets = {
        RectificationNotice.Sanction.SUSPEND: Institution.Status.SUSPENDED,
        RectificationNotice.Sanction.BAN: Institution.Status.BANNED,
    }
    if sanction not in targets:
        errors["sanction"] = _("Choose suspension for rectification or a ban.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the sanction.")
    for field, value, top in (
        ("students_placed", students_placed, MAX_STUDENTS),
        ("refund_students", refund_students, MAX_STUDENTS),
        ("refunded_fen", refunded_fen, MAX_REFUND_FEN),
    ):
        if not isinstance(value, int) or not 0 <= value <= top:
            errors[field] = _("Give a whole number between 0 and %(max)s.") % {"max": top}
    if errors:
        raise ValidationError(errors)
    record = step.record
    try:
        institution_change_status(
            actor=actor,
            institution=record.inspection.institution,
            to_status=targets[sanction],
            reason=_("Rectification notice %(number)s: %(reason)s")
            % {"number": record.number, "reason": reason},
        )
    except ValidationError as exc:
        raise ValidationError({"sanction": exc.messages}) from exc
    record.sanction = sanction
    record.sanction_reason = reason
    record.sanctioned_at = timezone.now()
    record.students_placed = students_placed
    record.refund_students = refund_students
    record.refunded_fen = refunded_fen
    fields = ["sanction", "sanction_reason", "sanctioned_at", "students_placed"]
    return _refreshed(step.finish(fields=[*fields, "refund_students", "refunded_fen"]))
