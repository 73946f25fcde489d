"""一课一消: lessons consumed are released out of escrow once the parent confirms them, or when
15 working days pass without a dispute; a refund request the institution leaves unanswered for
5 working days is deemed agreed and flagged to the bureau. `lessons_apply_timers` is the
periodic job's part (idempotent: each row moves once, under its row lock)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notifications import district_staff, notify_many
from core.workdays import add_working_days
from core.workflow import Transition, Workflow
from funds.models import (
    DEEMED_CONFIRMED_DAYS,
    DEEMED_REFUND_DAYS,
    EscrowAccount,
    FeeRecord,
    LedgerEntry,
    Lesson,
    RefundRequest,
)
from funds.services import check_actor
from funds.services.ledger import entry_post

L = Lesson.Status
R = RefundRequest.Status

LESSON_FLOW = Workflow(
    transitions=[
        Transition("confirm", {L.PENDING}, L.CONFIRMED, "lesson.change", gettext_lazy("confirmed")),
        Transition("dispute", {L.PENDING}, L.DISPUTED, "lesson.change", gettext_lazy("disputed")),
        Transition(
            "deem", {L.PENDING}, L.DEEMED, "lesson.change", gettext_lazy("deemed confirmed")
        ),
        Transition(
            "release",
            {L.CONFIRMED, L.DEEMED},
            L.RELEASED,
            "ledgerentry.post",
            gettext_lazy("released"),
        ),
    ],
    refusal=gettext_lazy("Lessons that are “%(status)s” cannot be %(action)s."),
)
REFUND_FLOW = Workflow(
    transitions=[
        Transition(
            "agree", {R.REQUESTED}, R.AGREED, "refundrequest.change", gettext_lazy("agreed")
        ),
        Transition(
            "refuse", {R.REQUESTED}, R.REFUSED, "refundrequest.change", gettext_lazy("refused")
        ),
        Transition(
            "deem", {R.REQUESTED}, R.DEEMED, "refundrequest.change", gettext_lazy("deemed agreed")
        ),
        Transition("pay", {R.AGREED, R.DEEMED}, R.PAID, "ledgerentry.post", gettext_lazy("paid")),
    ],
    refusal=gettext_lazy("A refund request that is “%(status)s” cannot be %(action)s."),
)


def _account_of(fee_record: FeeRecord) -> EscrowAccount:
    account = (
        EscrowAccount.objects.filter(institution_id=fee_record.institution_id)
        .exclude(status=EscrowAccount.Status.CLOSED)
        .first()
    )
    if account is None:
        raise ValidationError(_("The institution has no open escrow account."))
    return account


@transaction.atomic
def lesson_record(*, actor, fee_record: FeeRecord, hours: int, given_on: dt.date) -> Lesson:
    """Lessons given: their share of the fee (the last ones take the remainder), open to the
    parent's dispute for 15 working days."""
    check_actor(actor, fee_record, "lesson.change")
    FeeRecord.objects.select_for_update().get(pk=fee_record.pk)
    done = fee_record.lessons.aggregate(h=Sum("hours"), a=Sum("amount_fen"))
    done_hours, done_amount = done["h"] or 0, done["a"] or 0
    if hours <= 0 or done_hours + hours > fee_record.class_hours:
        raise ValidationError(
            {
                "hours": _("More class hours than the fee record has left (%(left)s).")
                % {"left": fee_record.class_hours - done_hours}
            }
        )
    if done_hours + hours == fee_record.class_hours:
        amount = fee_record.amount_fen - done_amount
    else:
        amount = fee_record.amount_fen * hours // fee_record.class_hours
    lesson = Lesson(
        fee_record=fee_record,
        hours=hours,
        amount_fen=amount,
        given_on=given_on,
        # The parent's window: a year the calendar lacks counts in their favour.
        confirm_by=add_working_days(given_on, DEEMED_CONFIRMED_DAYS, for_citizen=True),
    )
    lesson.save()
    return lesson


@transaction.atomic
def lesson_confirm(*, actor, lesson: Lesson) -> Lesson:
    return LESSON_FLOW.begin(lesson, "confirm", actor=actor).finish()


@transaction.atomic
def lesson_dispute(*, actor, lesson: Lesson) -> Lesson:
    return LESSON_FLOW.begin(lesson, "dispute", actor=actor).finish()


@transaction.atomic
def lesson_release(*, actor, lesson: Lesson, booked_on=None, bank_reference="") -> Lesson:
    """Pay a confirmed (or deemed confirmed) lesson out of escrow."""
    if actor is None:
        step = LESSON_FLOW.begin_as_system(lesson, "release")
    else:
        step = LESSON_FLOW.begin(lesson, "release", actor=actor)
    fee_record = step.record.fee_record
    step.record.release = entry_post(
        actor=actor,
        account=_account_of(fee_record),
        kind=LedgerEntry.Kind.RELEASE,
        amount_fen=step.record.amount_fen,
        booked_on=booked_on,
        bank_reference=bank_reference,
        note=_("Lessons of %(day)s") % {"day": step.record.given_on},
    )
    return step.finish(fields=["release"])


@transaction.atomic
def refund_request_record(
    *, actor, fee_record: FeeRecord, amount_fen: int, requested_on: dt.date
) -> RefundRequest:
    check_actor(actor, fee_record, "refundrequest.change")
    if not isinstance(amount_fen, int) or amount_fen <= 0 or amount_fen > fee_record.amount_fen:
        raise ValidationError({"amount_fen": _("Enter an amount up to the fee paid.")})
    request = RefundRequest(
        fee_record=fee_record,
        amount_fen=amount_fen,
        requested_on=requested_on,
        answer_by=add_working_days(requested_on, DEEMED_REFUND_DAYS, for_citizen=True),
    )
    request.save()
    return request


@transaction.atomic
def refund_answer(*, actor, request: RefundRequest, agree: bool) -> RefundRequest:
    return REFUND_FLOW.begin(request, "agree" if agree else "refuse", actor=actor).finish()


@transaction.atomic
def refund_pay(
    *, actor, request: RefundRequest, booked_on=None, bank_reference=""
) -> RefundRequest:
    step = REFUND_FLOW.begin(request, "pay", actor=actor)
    entry_post(
        actor=actor,
        account=_account_of(step.record.fee_record),
        kind=LedgerEntry.Kind.REFUND,
        amount_fen=step.record.amount_fen,
        booked_on=booked_on,
        bank_reference=bank_reference,
        note=_("Refund request of %(day)s") % {"day": step.record.requested_on},
    )
    return step.finish()


def lessons_apply_timers(*, today: dt.date) -> dict:
    """Deem confirmed the lessons whose window has passed and deem agreed the refund requests
    left unanswered; tell the district of each deemed refund. Idempotent."""
    deemed_lessons = deemed_refunds = 0
    for lesson in Lesson.objects.filter(status=L.PENDING, confirm_by__lt=today):
        with transaction.atomic():
            try:
                LESSON_FLOW.begin_as_system(lesson, "deem").finish()
            except ValidationError:
                continue  # confirmed or disputed meanwhile
            deemed_lessons += 1
    for request in RefundRequest.objects.filter(status=R.REQUESTED, answer_by__lt=today):
        with transaction.atomic():
            try:
                REFUND_FLOW.begin_as_system(request, "deem").finish()
            except ValidationError:
                continue
            deemed_refunds += 1
            notify_many(
                users=district_staff(request.bureau_id, action="refundrequest.change"),
                bureau_id=request.bureau_id,
                message=_("A refund request was left unanswered and is deemed agreed."),
                link=reverse("funds:feerecord-detail", args=[request.fee_record_id]),
                key=f"refund-deemed:{request.pk}",
            )
    return {"lessons_deemed": deemed_lessons, "refunds_deemed": deemed_refunds}
