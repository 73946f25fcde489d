"""Fee records and the fee cap (seed 001 篇2, 教监管函〔2021〕2号): a charge above 5000 yuan, or
covering both more than 3 months and more than 60 class hours, is a violation. It happened, so
it is recorded, but only as a recorded violation citing the rule."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from funds.models import (
    FEE_CAP_FEN,
    FEE_CAP_HOURS,
    FEE_CAP_MONTHS,
    FEE_CAP_RULE,
    EscrowAccount,
    FeeRecord,
    LedgerEntry,
    add_months,
)
from funds.services import check_actor
from funds.services.ledger import deposited_fen, entry_post


def fee_cap_breaches(
    *, amount_fen: int, period_start: dt.date, period_end: dt.date, class_hours: int
) -> list[str]:
    """What a charge breaks of the fee cap (empty when it keeps to it)."""
    breaches = []
    if amount_fen > FEE_CAP_FEN:
        breaches.append(_("more than 5000 yuan in one charge"))
    too_long = period_end > add_months(period_start, FEE_CAP_MONTHS)
    if too_long and class_hours > FEE_CAP_HOURS:
        breaches.append(_("more than 3 months and more than 60 class hours"))
    return breaches


def _terms_check(
    errors: dict, taken, amount_fen, period_start, period_end, class_hours, *, allow: bool
) -> dict:
    """The checks of a purchase's terms, on recording and on correction alike (raised with the
    caller's own `errors`; `taken`: the other records of the contract number), then the fee
    cap: a charge over it is refused unless `allow` (recorded as a violation, which then
    cites the rule). Returns the record's `violates_cap` and `violation`."""
    if period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if class_hours <= 0:
        errors["class_hours"] = _("Enter the class hours bought.")
    if taken.exists():
        errors["contract_number"] = _("This contract number is already recorded.")
    if errors:
        raise ValidationError(errors)
    breaches = fee_cap_breaches(
        amount_fen=amount_fen,
        period_start=period_start,
        period_end=period_end,
        class_hours=class_hours,
    )
    if breaches and not allow:
        raise ValidationError(
            {
                "amount_fen": _("This charge breaks the fee cap (%(what)s): %(rule)s.")
                % {"what": "; ".join(breaches), "rule": FEE_CAP_RULE}
            }
        )
    return {
        "violates_cap": bool(breaches),
        "violation": f"{FEE_CAP_RULE}（{'；'.join(str(b) for b in breaches)}）" if breaches else "",
    }


@transaction.atomic
def fee_record_create(
    *,
    actor,
    institution,
    student_name: str,
    course_name: str,
    contract_number: str,
    amount_fen: int,
    collected_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    class_hours: int,
    record_as_violation: bool = False,
) -> FeeRecord:
    """Record a purchase. A charge over the cap is refused unless it is recorded as a
    violation, which then cites the rule and is listed for its institution."""
    check_actor(actor, institution, "feerecord.change")
    errors = {}
    if not student_name.strip():
        errors["student_name"] = _("Enter the student's name.")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        errors["amount_fen"] = _("Enter a positive amount in fen.")
    taken = FeeRecord.objects.filter(institution=institution, contract_number=contract_number)
    cap = _terms_check(
        errors, taken, amount_fen, period_start, period_end, class_hours, allow=record_as_violation
    )
    record = FeeRecord(
        institution=institution,
        student_name=student_name.strip(),
        course_name=course_name,
        contract_number=contract_number,
        amount_fen=amount_fen,
        collected_on=collected_on,
        period_start=period_start,
        period_end=period_end,
        class_hours=class_hours,
        **cap,
    )
    record.full_clean()
    record.save()
    account = (
        EscrowAccount.objects.filter(institution=institution)
        .exclude(status=EscrowAccount.Status.CLOSED)
        .first()
    )
    if account is not None:
        from funds.services.warnings import account_evaluate

        account_evaluate(account, today=collected_on)
    return record


def fee_deposit(*, actor, fee_record: FeeRecord, booked_on=None, bank_reference="") -> LedgerEntry:
    """Book into escrow what remains undeposited of a fee record."""
    account = (
        EscrowAccount.objects.filter(institution_id=fee_record.institution_id)
        .exclude(status=EscrowAccount.Status.CLOSED)
        .first()
    )
    if account is None:
        raise ValidationError(_("The institution has no open escrow account."))
    remaining = fee_record.amount_fen - deposited_fen(fee_record)
    if remaining <= 0:
        raise ValidationError(_("The fee record is already deposited in full."))
    return entry_post(
        actor=actor,
        account=account,
        kind=LedgerEntry.Kind.FEE,
        amount_fen=remaining,
        booked_on=booked_on,
        fee_record=fee_record,
        bank_reference=bank_reference,
    )


@transaction.atomic
def fee_record_update(
    *,
    actor,
    record: FeeRecord,
    student_name: str = "",
    course_name: str,
    contract_number: str,
    amount_fen: int,
    collected_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    class_hours: int,
    record_as_violation: bool = False,
) -> FeeRecord:
    """Correct what is on file about a purchase (the row locked, the fee cap checked again).
    The amount is fixed once money has moved against the record: the ledger is corrected by a
    reversal, never by an edit."""
    check_actor(actor, record, "feerecord.change")
    locked = FeeRecord.objects.select_for_update().get(pk=record.pk)
    errors = {}
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        errors["amount_fen"] = _("Enter a positive amount in fen.")
    elif amount_fen != locked.amount_fen and (
        locked.entries.exists() or locked.lessons.exists() or locked.refunds.exists()
    ):
        errors["amount_fen"] = _(
            "Money has moved against this record: its amount is corrected by a reversal in "
            "the ledger, not by an edit."
        )
    taken = FeeRecord.objects.filter(
        institution_id=locked.institution_id, contract_number=contract_number
    ).exclude(pk=locked.pk)
    # A record on file as a violation is corrected without being marked as one again.
    allowed = record_as_violation or locked.violates_cap
    cap = _terms_check(
        errors, taken, amount_fen, period_start, period_end, class_hours, allow=allowed
    )
    changes = {
        "course_name": course_name,
        "contract_number": contract_number,
        "amount_fen": amount_fen,
        "collected_on": collected_on,
        "period_start": period_start,
        "period_end": period_end,
        "class_hours": class_hours,
        **cap,
    }
    if student_name.strip():
        changes["student_name"] = student_name.strip()
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=list(changes))
    return locked
