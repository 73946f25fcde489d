"""Writes for tip-offs: intake from every channel, the staff workflow with its allowed
transitions, the reporter-identity reveal, deadlines and overdue marking, supervision orders,
rewards and refund disputes.

Every service takes keyword-only arguments; staff services take `actor` (a user with an acting
membership) and a record the caller fetched through `editable_by(actor)`, and check again that
it belongs to the actor's district. Business-rule violations raise ValidationError (Chinese
messages); acting outside one's role raises PermissionDenied.
"""

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus import rls
from bureaus.audit import record_event
from bureaus.context import acting, system_actor
from bureaus.models import AuditEvent, Bureau, Membership
from complaints import workdays
from complaints.models import (
    REWARD_MAX_FEN,
    REWARD_MIN_FEN,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintPolicy,
    Notification,
    RefundDispute,
    Reward,
    SupervisionOrder,
)

logger = logging.getLogger(__name__)

S = Complaint.Status
E = ComplaintEvent.Kind

# The workflow: transition → (statuses it may start from, status it leads to; None = unchanged).
TRANSITIONS: dict[str, tuple[frozenset, str | None]] = {
    "accept": (frozenset({S.RECEIVED}), S.ACCEPTED),
    "reject": (frozenset({S.RECEIVED}), S.REJECTED),
    "merge": (frozenset({S.RECEIVED, S.ACCEPTED}), S.MERGED),
    "assign": (frozenset({S.ACCEPTED, S.ASSIGNED, S.INVESTIGATING}), None),
    "note": (frozenset({S.ASSIGNED, S.INVESTIGATING}), S.INVESTIGATING),
    "link": (frozenset(Complaint.OPEN_STATUSES), None),
    "conclude": (frozenset({S.INVESTIGATING}), S.CONCLUDED),
    "close": (frozenset({S.CONCLUDED}), S.CLOSED),
}

# Tracking codes and secrets avoid characters read aloud ambiguously (0/O, 1/I/L).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def allowed_transitions(complaint: Complaint) -> list[str]:
    return [name for name, (sources, _to) in TRANSITIONS.items() if complaint.status in sources]


def _random(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().replace("-", "").encode()).hexdigest()


def policy_for(bureau: Bureau) -> ComplaintPolicy:
    """The district's tip-off policy, or the defaults (seed 004 永川) if it has none."""
    return ComplaintPolicy.objects.filter(bureau=bureau).first() or ComplaintPolicy(bureau=bureau)


@transaction.atomic
def complaint_policy_set(*, actor, reply_days: int, claim_days: int) -> ComplaintPolicy:
    """The district administrator sets the district's deadlines (working days). Tip-offs
    already received keep the reply date they were given."""
    bureau = actor.membership.bureau
    if not bureau.is_district or actor.membership.role != Membership.Role.ADMIN:
        raise PermissionDenied
    policy = ComplaintPolicy.objects.filter(bureau=bureau).first() or ComplaintPolicy(bureau=bureau)
    policy.reply_days = reply_days
    policy.claim_days = claim_days
    policy.full_clean()
    policy.save()
    return policy


def _check_district(actor, record) -> None:
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != record.bureau_id:
        raise PermissionDenied


def _is_admin(actor) -> bool:
    return actor.membership.role == Membership.Role.ADMIN


def _require(complaint: Complaint, transition: str) -> str | None:
    sources, to = TRANSITIONS[transition]
    if complaint.status not in sources:
        raise ValidationError(
            _("A tip-off that is “%(status)s” cannot be %(action)s."),
            params={"status": complaint.get_status_display(), "action": _verb(transition)},
            code="transition",
        )
    return to


def _verb(transition: str) -> str:
    return {
        "accept": _("accepted"),
        "reject": _("rejected"),
        "merge": _("merged"),
        "assign": _("assigned"),
        "note": _("given investigation notes"),
        "link": _("linked to an institution"),
        "conclude": _("concluded"),
        "close": _("closed"),
    }[transition]


def _event(complaint, *, kind, actor=None, from_status="", note="", at=None):
    ComplaintEvent.objects.create(
        bureau_id=complaint.bureau_id,
        at=at or timezone.now(),
        complaint=complaint,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=complaint.status,
        note=note,
    )


def _move(complaint, *, to, actor, kind, note="", fields=()):
    before = complaint.status
    if to is not None:
        complaint.status = to
    complaint.full_clean()
    complaint.save()
    _event(complaint, kind=kind, actor=actor, from_status=before, note=note)
    logger.info("complaint %s: %s (%s -> %s)", complaint.pk, kind, before, complaint.status)
    return complaint


def _attach(complaint, files, *, from_reporter: bool) -> None:
    for content, content_type in files:
        attachment = ComplaintAttachment(
            bureau_id=complaint.bureau_id,
            complaint=complaint,
            content_type=content_type,
            size=content.size,
            from_reporter=from_reporter,
        )
        attachment.file.save(content.name, content, save=False)
        attachment.save()


# Intake --------------------------------------------------------------------------------------


def _create(
    *,
    bureau,
    channel,
    institution,
    institution_name,
    institution_address,
    category,
    description,
    observed_on,
    reporter_name,
    reporter_phone,
    external_ref="",
    received_at=None,
    actor=None,
    files=(),
    with_secret=True,
) -> tuple[Complaint, str]:
    if not bureau.is_district:
        raise ValidationError({"bureau": _("Choose a district.")})
    if institution is not None:
        # Routed by the institution: its district handles the tip-off, whatever was chosen.
        bureau = institution.bureau
        institution_name = institution_name or institution.name
        institution_address = institution_address or institution.address
    received_at = received_at or timezone.now()
    received_on = timezone.localtime(received_at).date()
    secret = _random(12) if with_secret else ""
    complaint = Complaint(
        bureau=bureau,
        channel=channel,
        external_ref=external_ref,
        institution=institution,
        institution_name=institution_name,
        institution_address=institution_address,
        category=category,
        description=description,
        observed_on=observed_on,
        reporter_name=(reporter_name or "").strip(),
        reporter_phone=(reporter_phone or "").strip(),
        secret_hash=_hash_secret(secret) if secret else "",
        received_at=received_at,
        # seed 004 永川: the outcome is told within 10 (working) days of receipt.
        due_on=workdays.add_working_days(received_on, policy_for(bureau).reply_days),
    )
    for _attempt in range(5):
        complaint.tracking_code = "JB" + _random(10)
        if not Complaint.objects.filter(tracking_code=complaint.tracking_code).exists():
            break
    complaint.full_clean(exclude=["secret_hash"])
    complaint.save()
    _attach(complaint, files, from_reporter=True)
    _event(
        complaint,
        kind=E.RECEIVED,
        actor=actor,
        note=complaint.get_channel_display(),
        at=received_at,
    )
    logger.info("complaint %s received via %s", complaint.pk, channel)
    return complaint, secret


@transaction.atomic
def complaint_submit_public(
    *,
    bureau,
    institution,
    institution_name,
    institution_address,
    category,
    description,
    observed_on,
    reporter_name="",
    reporter_phone="",
    files=(),
) -> tuple[Complaint, str]:
    """A tip-off from the public web form. Returns the complaint and its tracking secret,
    which is shown to the reporter once and kept only as a hash.

    Guarantee: the audit rows of a public submission carry no client address (they are written
    as the system actor), so the trail cannot be used to find the reporter."""
    with acting(system_actor("public_submission")):
        return _create(
            bureau=bureau,
            channel=Complaint.Channel.WEB,
            institution=institution,
            institution_name=institution_name,
            institution_address=institution_address,
            category=category,
            description=description,
            observed_on=observed_on,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            files=files,
        )


@transaction.atomic
def complaint_register(
    *,
    actor,
    channel,
    institution,
    institution_name,
    institution_address,
    category,
    description,
    observed_on=None,
    reporter_name="",
    reporter_phone="",
    external_ref="",
    files=(),
) -> tuple[Complaint, str]:
    """A tip-off received by telephone, letter, visit, the 12345 hotline or from a superior,
    entered by district staff. Returns the complaint and the secret to give the reporter."""
    if channel == Complaint.Channel.WEB:
        raise ValidationError({"channel": _("Web tip-offs come from the public form.")})
    if channel == Complaint.Channel.HOTLINE and not external_ref:
        raise ValidationError({"external_ref": _("A 12345 tip-off needs its work-order number.")})
    bureau = actor.membership.bureau
    if institution is not None and institution.bureau_id != bureau.pk:
        raise ValidationError({"institution": _("This institution is not in your district.")})
    if (
        external_ref
        and Complaint.objects.filter(
            bureau=bureau, channel=channel, external_ref=external_ref
        ).exists()
    ):
        raise ValidationError({"external_ref": _("This work order has already been entered.")})
    return _create(
        bureau=bureau,
        channel=channel,
        institution=institution,
        institution_name=institution_name,
        institution_address=institution_address,
        category=category,
        description=description,
        observed_on=observed_on,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        external_ref=external_ref,
        actor=actor,
        files=files,
    )


def complaint_hotline_push(*, actor, external_ref, **fields) -> tuple[Complaint, bool]:
    """A work order pushed by the 12345 hotline system. Idempotent on the work-order number:
    pushing the same order again returns the complaint already made. Returns (complaint,
    created)."""
    bureau = actor.membership.bureau
    existing = Complaint.objects.filter(
        bureau=bureau, channel=Complaint.Channel.HOTLINE, external_ref=external_ref
    ).first()
    if existing is not None:
        return existing, False
    try:
        complaint, _secret = complaint_register(
            actor=actor, channel=Complaint.Channel.HOTLINE, external_ref=external_ref, **fields
        )
    except IntegrityError:
        # The same order pushed twice at once: the other request made it.
        return Complaint.objects.get(
            bureau=bureau, channel=Complaint.Channel.HOTLINE, external_ref=external_ref
        ), False
    return complaint, True


# Public tracking -----------------------------------------------------------------------------

_DUMMY_HASH = hashlib.sha256(b"no such complaint").hexdigest()


def complaint_track(*, tracking_code: str, secret: str) -> Complaint | None:
    """The complaint whose code and secret both match, else None.

    Guarantee: an unknown code and a wrong secret give the same answer (None) after the same
    work (one query, one constant-time comparison), so the secret cannot be probed per code."""
    code = (tracking_code or "").strip().upper()
    complaint = (
        Complaint.objects.select_related("duplicate_of")
        .filter(tracking_code=code)
        .only(
            "id",
            "tracking_code",
            "secret_hash",
            "status",
            "outcome",
            "public_reply",
            "received_at",
            "concluded_at",
            "due_on",
            "duplicate_of__status",
            "duplicate_of__outcome",
            "duplicate_of__public_reply",
            "duplicate_of__concluded_at",
        )
        .first()
    )
    stored = complaint.secret_hash if complaint and complaint.secret_hash else _DUMMY_HASH
    matches = hmac.compare_digest(stored, _hash_secret(secret or ""))
    return complaint if complaint is not None and complaint.secret_hash and matches else None


# Staff workflow ------------------------------------------------------------------------------


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """Triage: the tip-off is within the bureau's remit and will be handled."""
    _check_district(actor, complaint)
    to = _require(complaint, "accept")
    return _move(complaint, to=to, actor=actor, kind=E.ACCEPTED, note=note)


@transaction.atomic
def complaint_reject(
    *, actor, complaint: Complaint, public_reply: str, note: str = ""
) -> Complaint:
    """Triage: outside the bureau's remit; the reporter is told why (件件有回音)."""
    _check_district(actor, complaint)
    to = _require(complaint, "reject")
    if not public_reply.strip():
        raise ValidationError({"public_reply": _("Tell the reporter why it is out of scope.")})
    complaint.public_reply = public_reply.strip()
    complaint.concluded_at = timezone.now()
    return _move(complaint, to=to, actor=actor, kind=E.REJECTED, note=note)


@transaction.atomic
def complaint_merge(*, actor, complaint: Complaint, into: Complaint, note: str = "") -> Complaint:
    """Triage: a duplicate of an open tip-off of the same district; its reporter follows the
    original's outcome."""
    _check_district(actor, complaint)
    to = _require(complaint, "merge")
    if into.pk == complaint.pk or into.bureau_id != complaint.bureau_id:
        raise ValidationError({"into": _("Choose another tip-off of your district.")})
    if into.status == S.MERGED:
        raise ValidationError({"into": _("That tip-off was itself merged; choose the original.")})
    complaint.duplicate_of = into
    _move(complaint, to=to, actor=actor, kind=E.MERGED, note=note or into.tracking_code)
    _event(into, kind=E.MERGED, actor=actor, from_status=into.status, note=complaint.tracking_code)
    return complaint


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, assignee, note: str = "") -> Complaint:
    """Give the tip-off to an officer (or the administrator) of the district to investigate."""
    _check_district(actor, complaint)
    _require(complaint, "assign")
    if not Membership.objects.filter(
        user=assignee,
        bureau_id=complaint.bureau_id,
        is_active=True,
        role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN],
    ).exists():
        raise ValidationError({"assignee": _("Choose an officer of this district.")})
    complaint.assignee = assignee
    to = S.ASSIGNED if complaint.status == S.ACCEPTED else None
    return _move(complaint, to=to, actor=actor, kind=E.ASSIGNED, note=note or str(assignee))


def _check_handler(actor, complaint) -> None:
    """Investigation steps are taken by the assigned handler or the district administrator."""
    if complaint.assignee_id != actor.pk and not _is_admin(actor):
        raise PermissionDenied(_("Only the assigned handler or the administrator may do this."))


@transaction.atomic
def complaint_add_note(*, actor, complaint: Complaint, note: str, files=()) -> Complaint:
    """Investigate: a note of what was found, with photos or documents."""
    _check_district(actor, complaint)
    to = _require(complaint, "note")
    _check_handler(actor, complaint)
    if not note.strip():
        raise ValidationError({"note": _("Write what was found.")})
    _attach(complaint, files, from_reporter=False)
    return _move(complaint, to=to, actor=actor, kind=E.NOTE, note=note.strip())


@transaction.atomic
def complaint_link_institution(*, actor, complaint: Complaint, institution) -> Complaint:
    """Investigate: the registry institution the tip-off is about."""
    _check_district(actor, complaint)
    _require(complaint, "link")
    if institution.bureau_id != complaint.bureau_id:
        raise ValidationError({"institution": _("This institution is not in your district.")})
    complaint.institution = institution
    return _move(complaint, to=None, actor=actor, kind=E.INSTITUTION, note=institution.name)


@transaction.atomic
def complaint_conclude(
    *, actor, complaint: Complaint, outcome: str, public_reply: str, note: str = ""
) -> Complaint:
    """The finding (substantiated / unsubstantiated / false report) and the reply the reporter
    reads on the tracking page."""
    _check_district(actor, complaint)
    to = _require(complaint, "conclude")
    _check_handler(actor, complaint)
    if outcome not in Complaint.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if not public_reply.strip():
        raise ValidationError({"public_reply": _("Write the reply the reporter will read.")})
    complaint.outcome = outcome
    complaint.public_reply = public_reply.strip()
    complaint.concluded_at = timezone.now()
    return _move(
        complaint,
        to=to,
        actor=actor,
        kind=E.CONCLUDED,
        note=note or complaint.get_outcome_display(),
    )


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """The reporter has been answered and the file is closed."""
    _check_district(actor, complaint)
    to = _require(complaint, "close")
    complaint.closed_at = timezone.now()
    return _move(complaint, to=to, actor=actor, kind=E.CLOSED, note=note)


@transaction.atomic
def complaint_reveal_reporter(*, actor, complaint: Complaint) -> dict:
    """The reporter's name and phone in clear, for the assigned handler or the district
    administrator only.

    Guarantee: every successful reveal writes one audit row (action "reveal") naming the user,
    the complaint and the fields revealed — never their values; anyone else gets
    PermissionDenied and nothing is decrypted for them."""
    _check_district(actor, complaint)
    if complaint.assignee_id != actor.pk and not _is_admin(actor):
        raise PermissionDenied(
            _("Only the assigned handler or the district administrator may see the reporter.")
        )
    fields = [f for f in ("reporter_name", "reporter_phone") if getattr(complaint, f)]
    record_event(complaint, action=AuditEvent.Action.VIEW_SENSITIVE, changes={"revealed": fields})
    return {"name": complaint.reporter_name, "phone": complaint.reporter_phone}


# Deadlines -----------------------------------------------------------------------------------


def _notify(*, user, bureau_id, message, link, key) -> bool:
    _obj, created = Notification.objects.get_or_create(
        user=user, key=key, defaults={"bureau_id": bureau_id, "message": message, "link": link}
    )
    return created


def _district_staff(bureau_id, roles=(Membership.Role.ADMIN,)):
    return [
        m.user
        for m in Membership.objects.filter(
            bureau_id=bureau_id, is_active=True, role__in=roles
        ).select_related("user")
    ]


@transaction.atomic
def complaints_mark_overdue(*, today: dt.date | None = None) -> dict:
    """Mark open tip-offs past their reply date and notify the handler (or, when none is
    assigned yet, the district administrators). Idempotent: a tip-off is marked and notified
    once."""
    today = today or timezone.localdate()
    marked = notified = 0
    late = (
        Complaint.objects.filter(
            status__in=Complaint.OPEN_STATUSES, due_on__lt=today, overdue_since__isnull=True
        )
        .select_related("assignee")
        .select_for_update(of=("self",))
    )
    for complaint in late:
        complaint.overdue_since = today
        complaint.save(update_fields=["overdue_since"])
        _event(complaint, kind=E.OVERDUE)
        marked += 1
        users = [complaint.assignee] if complaint.assignee else _district_staff(complaint.bureau_id)
        for user in users:
            notified += _notify(
                user=user,
                bureau_id=complaint.bureau_id,
                message=_("Tip-off %(code)s is overdue: the reply was due on %(due)s.")
                % {"code": complaint.tracking_code, "due": complaint.due_on.isoformat()},
                link=f"/complaints/{complaint.pk}/",
                key=f"complaint-overdue:{complaint.pk}",
            )
    orders = supervision_orders_mark_overdue(today=today)
    expired = rewards_expire(today=today)
    notified += rewards_remind_notice(today=today)
    logger.info("overdue: %s tip-offs marked, %s notifications", marked, notified)
    return {"marked": marked, "notified": notified, "orders": orders, "rewards_expired": expired}


# Supervision orders --------------------------------------------------------------------------


@transaction.atomic
def supervision_order_issue(
    *, actor, district: Bureau, subject: str, instructions: str, due_on: dt.date, complaint=None
) -> SupervisionOrder:
    """A city or province supervisor sends a supervision order (督办单) to a district below
    their bureau, about a tip-off of that district or another matter, with an answer date."""
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role != Membership.Role.SUPERVISOR:
        raise PermissionDenied
    if not district.is_district or not district.is_within(membership.bureau):
        raise ValidationError({"district": _("Choose a district under your bureau.")})
    if complaint is not None and complaint.bureau_id != district.pk:
        raise ValidationError({"complaint": _("This tip-off belongs to another district.")})
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": _("The answer date must be in the future.")})
    year = timezone.localdate().year
    count = SupervisionOrder.objects.filter(issued_by=membership.bureau, issued_at__year=year)
    order = SupervisionOrder(
        bureau=district,
        issued_by=membership.bureau,
        issued_by_user=actor,
        complaint=complaint,
        subject=subject,
        instructions=instructions,
        due_on=due_on,
        number=f"DB{membership.bureau.code}-{year}-{count.count() + 1:04d}",
    )
    order.full_clean()
    # The order, its event and the notices are the district's rows, written by its superior.
    with rls.writing_into(district, reason="supervision order (督办单) to a district below"):
        order.save()
        if complaint is not None:
            _event(complaint, kind=E.SUPERVISION, actor=actor, note=order.number)
        for user in _district_staff(
            district.pk, roles=(Membership.Role.ADMIN, Membership.Role.OFFICER)
        ):
            _notify(
                user=user,
                bureau_id=district.pk,
                message=_("Supervision order %(number)s from %(bureau)s: answer by %(due)s.")
                % {"number": order.number, "bureau": membership.bureau.name, "due": due_on},
                link=f"/complaints/supervision/{order.pk}/",
                key=f"order-issued:{order.pk}",
            )
    return order


def supervision_order_allowed_steps(order: SupervisionOrder) -> list[str]:
    """The steps a supervision order may take now: only an open order is answered."""
    return ["answer"] if order.status == SupervisionOrder.Status.OPEN else []


@transaction.atomic
def supervision_order_answer(*, actor, order: SupervisionOrder, answer: str) -> SupervisionOrder:
    """The district reports what it did about a supervision order."""
    _check_district(actor, order)
    if "answer" not in supervision_order_allowed_steps(order):
        raise ValidationError(_("This supervision order has already been answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    order.answer = answer.strip()
    order.answered_at = timezone.now()
    order.answered_by = actor
    order.status = SupervisionOrder.Status.ANSWERED
    order.save()
    if order.complaint_id:
        _event(order.complaint, kind=E.SUPERVISION, actor=actor, note=order.number)
    return order


def supervision_orders_mark_overdue(*, today: dt.date) -> int:
    """Flag unanswered supervision orders past their date, for the district and the issuer."""
    count = 0
    for order in SupervisionOrder.objects.filter(
        status=SupervisionOrder.Status.OPEN, due_on__lt=today, overdue_since__isnull=True
    ).select_related("issued_by_user"):
        order.overdue_since = today
        order.save(update_fields=["overdue_since"])
        count += 1
        message = _("Supervision order %(number)s is overdue: the answer was due on %(due)s.") % {
            "number": order.number,
            "due": order.due_on.isoformat(),
        }
        link = f"/complaints/supervision/{order.pk}/"
        for user in _district_staff(order.bureau_id):
            _notify(
                user=user,
                bureau_id=order.bureau_id,
                message=message,
                link=link,
                key=f"order-overdue:{order.pk}",
            )
        _notify(
            user=order.issued_by_user,
            bureau_id=order.issued_by_id,
            message=message,
            link=link,
            key=f"order-overdue:{order.pk}",
        )
    return count


# Rewards (seed 004 永川) ---------------------------------------------------------------------


def reward_refusal(complaint: Complaint) -> str | None:
    """Why this tip-off cannot be rewarded, or None if it can."""
    if complaint.outcome == Complaint.Outcome.FALSE_REPORT:
        return _("A false report is never rewarded.")
    if complaint.outcome != Complaint.Outcome.SUBSTANTIATED:
        return _("Only a substantiated tip-off can be rewarded.")
    if not complaint.is_named:
        return _("An anonymous tip-off cannot be rewarded: the reporter left no name and phone.")
    if complaint.duplicate_of_id is not None:
        return _("Only the first report of a case is rewarded.")
    if complaint.duplicates.filter(received_at__lt=complaint.received_at).exists():
        return _("Only the first report of a case is rewarded: an earlier report was merged here.")
    return None


@transaction.atomic
def reward_decide(*, actor, complaint: Complaint, amount_fen: int) -> Reward:
    """Set the reward (200–2000 yuan) for a substantiated, named, first tip-off; the reporter
    must be told within the reply deadline (seed 004 永川: within 10 days of receipt)."""
    _check_district(actor, complaint)
    refusal = reward_refusal(complaint)
    if refusal:
        raise ValidationError(refusal, code="not_rewardable")
    if not REWARD_MIN_FEN <= amount_fen <= REWARD_MAX_FEN:
        raise ValidationError({"amount_fen": _("A reward is between 200 and 2000 yuan.")})
    if Reward.objects.filter(complaint=complaint).exists():
        raise ValidationError(_("This tip-off already has a reward."))
    reward = Reward(
        bureau_id=complaint.bureau_id,
        complaint=complaint,
        amount_fen=amount_fen,
        notify_by=complaint.due_on,
    )
    reward.full_clean()
    reward.save()
    _event(complaint, kind=E.REWARD, actor=actor, note=reward.get_status_display())
    return reward


# The reward steps: step → the status it may be taken from (expiry is the nightly job's).
REWARD_STEPS = {"notify": Reward.Status.DECIDED, "claim": Reward.Status.NOTIFIED}


def reward_allowed_steps(reward: Reward) -> list[str]:
    """The steps a reward may take now: tell the reporter once decided, claim once told."""
    return [step for step, source in REWARD_STEPS.items() if reward.status == source]


@transaction.atomic
def reward_notify(*, actor, reward: Reward, notified_on: dt.date | None = None) -> Reward:
    """The reporter has been told by phone or SMS; the 20-working-day claim window starts."""
    _check_district(actor, reward)
    if "notify" not in reward_allowed_steps(reward):
        raise ValidationError(_("The reporter has already been told."))
    notified_on = notified_on or timezone.localdate()
    reward.notified_on = notified_on
    # seed 004 永川: claimed within 20 working days of the notice.
    reward.claim_by = workdays.add_working_days(notified_on, policy_for(reward.bureau).claim_days)
    reward.status = Reward.Status.NOTIFIED
    reward.save()
    _event(reward.complaint, kind=E.REWARD, actor=actor, note=reward.get_status_display())
    return reward


@transaction.atomic
def reward_claim(*, actor, reward: Reward, claimed_on: dt.date | None = None) -> Reward:
    """The reporter came in person with their ID card and collected the reward."""
    _check_district(actor, reward)
    claimed_on = claimed_on or timezone.localdate()
    if "claim" not in reward_allowed_steps(reward):
        raise ValidationError(_("Only a reward the reporter was told about can be claimed."))
    if claimed_on > reward.claim_by:
        raise ValidationError(_("The claim window has passed."))
    reward.claimed_on = claimed_on
    reward.status = Reward.Status.CLAIMED
    reward.save()
    _event(reward.complaint, kind=E.REWARD, actor=actor, note=reward.get_status_display())
    return reward


def rewards_remind_notice(*, today: dt.date) -> int:
    """seed 004 永川: the reporter is told within 10 days; remind the district administrators
    of decided rewards whose reporter has not been told by then."""
    count = 0
    for reward in Reward.objects.filter(
        status=Reward.Status.DECIDED, notify_by__lt=today
    ).select_related("complaint"):
        for user in _district_staff(reward.bureau_id):
            count += _notify(
                user=user,
                bureau_id=reward.bureau_id,
                message=_("Tell the reporter of tip-off %(code)s about the reward: due %(due)s.")
                % {"code": reward.complaint.tracking_code, "due": reward.notify_by.isoformat()},
                link=f"/complaints/{reward.complaint_id}/",
                key=f"reward-notice:{reward.pk}",
            )
    return count


def notifications_mark_read(*, user, link: str) -> int:
    """The user opened the page a notification points to."""
    return Notification.objects.filter(user=user, link=link, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def rewards_expire(*, today: dt.date) -> int:
    """Rewards not claimed within the window expire."""
    count = 0
    for reward in Reward.objects.filter(
        status=Reward.Status.NOTIFIED, claim_by__lt=today
    ).select_related("complaint"):
        reward.status = Reward.Status.EXPIRED
        reward.save(update_fields=["status"])
        _event(reward.complaint, kind=E.REWARD, note=reward.get_status_display())
        count += 1
    return count


# Refund disputes -----------------------------------------------------------------------------


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
    _check_district(actor, complaint)
    if amount_recovered_fen > amount_disputed_fen:
        raise ValidationError(
            {"amount_recovered_fen": _("More cannot be recovered than is in dispute.")}
        )
    dispute = RefundDispute.objects.filter(complaint=complaint).first() or RefundDispute(
        bureau_id=complaint.bureau_id, complaint=complaint
    )
    dispute.students = students
    dispute.amount_disputed_fen = amount_disputed_fen
    dispute.amount_recovered_fen = amount_recovered_fen
    dispute.status = RefundDispute.Status.RESOLVED if resolved else RefundDispute.Status.OPEN
    dispute.full_clean()
    dispute.save()
    _event(complaint, kind=E.REFUND, actor=actor, note=dispute.get_status_display())
    return dispute
