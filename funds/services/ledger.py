"""The ledger: every entry is written in the transaction that locks its account's row and moves
the balance, so the balance is always the sum of the entries (the nightly reconciliation
checks it); entries are never changed (a database trigger refuses UPDATE and DELETE)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.models import EscrowAccount, FeeRecord, LedgerEntry
from funds.services import check_actor

K = LedgerEntry.Kind


def among(ids):
    """`field__in=among(ids)`: a set of ids sent as one array parameter (`unnest`), not a list
    of literals that Django and psycopg would build and quote one by one (seconds for the
    20,000 accounts of a national run)."""
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])


def unconsumed_fen(institution_id: int) -> int:
    """Prepaid fees parents have paid and not yet received lessons or refunds for: fees
    recorded, minus releases and refunds (net of their reversals)."""
    return liabilities([institution_id])[institution_id]


def liabilities(institution_ids) -> dict[int, int]:
    """ledger.unconsumed_fen for many institutions: fees recorded, minus what their accounts
    paid out (releases and refunds net of their reversals, the figure a trigger keeps on each
    account in the transaction of every entry), in two grouped queries that read fee records
    and accounts, never the ledger."""
    ids = list(institution_ids)
    found = dict.fromkeys(ids, 0)
    fees = (
        FeeRecord.objects.filter(institution_id__in=among(ids))
        .values("institution_id")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    for row in fees:
        found[row["institution_id"]] += row["total"] or 0
    paid_out = (
        EscrowAccount.objects.filter(institution_id__in=among(ids))
        .values("institution_id")
        .annotate(total=Sum("paid_out_fen"))
        .order_by()
    )
    for row in paid_out:
        found[row["institution_id"]] -= row["total"] or 0
    return found


def paid_out_sums(account_ids=None):
    """Releases and refunds net of their reversals, summed from the entries, by account (what
    EscrowAccount.paid_out_fen must equal: the nightly reconciliation compares them)."""
    entries = LedgerEntry.objects.filter(
        Q(kind__in=[K.RELEASE, K.REFUND])
        | Q(kind=K.ADJUSTMENT, reverses__kind__in=[K.RELEASE, K.REFUND])
    )
    if account_ids is not None:
        entries = entries.filter(account_id__in=list(account_ids))
    rows = entries.values("account_id").annotate(total=Sum("amount_fen")).order_by()
    return {row["account_id"]: -row["total"] for row in rows}


def deposited_fen(fee_record: FeeRecord) -> int:
    """How much of a fee record has reached escrow (fee entries net of their reversals)."""
    total = LedgerEntry.objects.filter(
        Q(kind=K.FEE) | Q(kind=K.ADJUSTMENT, reverses__kind=K.FEE),
        Q(fee_record=fee_record) | Q(reverses__fee_record=fee_record),
    ).aggregate(total=Sum("amount_fen"))["total"]
    return total or 0


def _signed_amount(kind: str, amount_fen: int | None, reverses: LedgerEntry | None) -> int:
    if kind == K.ADJUSTMENT:
        if reverses is None:
            raise ValidationError({"reverses": _("An adjustment names the entry it reverses.")})
        return -reverses.amount_fen
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise ValidationError({"amount_fen": _("Enter a positive amount in fen.")})
    return amount_fen if kind in LedgerEntry.INFLOWS else -amount_fen


def _check(account, kind, amount, new_balance, *, fee_record, reverses):
    if account.status == EscrowAccount.Status.CLOSED:
        raise ValidationError(_("The account is closed."))
    if kind == K.FEE:
        if fee_record is None or fee_record.institution_id != account.institution_id:
            raise ValidationError(
                {"fee_record": _("A fee is collected against a fee record of the institution.")}
            )
        if account.institution.is_held:
            raise ValidationError(
                _(
                    "The institution is suspended or banned: it cannot take new fees into "
                    "escrow (refunds and releases stay possible)."
                )
            )
        if deposited_fen(fee_record) + amount > fee_record.amount_fen:
            raise ValidationError({"amount_fen": _("More than the fee record's amount.")})
    if reverses is not None:
        if reverses.account_id != account.pk or reverses.kind == K.ADJUSTMENT:
            raise ValidationError({"reverses": _("Only an entry of this account is reversed.")})
        if LedgerEntry.objects.filter(reverses=reverses).exists():
            raise ValidationError({"reverses": _("This entry has already been reversed.")})
    if new_balance < 0:
        raise ValidationError({"amount_fen": _("The balance cannot go below zero.")})
    if kind == K.WITHDRAWAL:
        from funds.services.warnings import minimum_for

        if new_balance < minimum_for(account):
            raise ValidationError(
                {"amount_fen": _("A deposit cannot be withdrawn below the minimum balance.")}
            )


@transaction.atomic
def entry_post(
    *,
    actor,
    account: EscrowAccount,
    kind: str,
    amount_fen: int | None = None,
    booked_on: dt.date | None = None,
    fee_record: FeeRecord | None = None,
    reverses: LedgerEntry | None = None,
    bank_reference: str = "",
    note: str = "",
    evaluate: bool = True,
) -> LedgerEntry:
    """Book one movement. `amount_fen` is the magnitude (the kind gives the sign); an
    adjustment takes the opposite of the entry it reverses. `evaluate=False` leaves the
    account's warnings to the caller (a statement import evaluates each account once, in the
    same transaction, after its last line)."""
    check_actor(actor, account, "ledgerentry.post")
    if kind not in K.values:
        raise ValidationError({"kind": _("Unknown entry type.")})
    locked = (
        EscrowAccount.objects.select_related("institution").select_for_update().get(pk=account.pk)
    )
    amount = _signed_amount(kind, amount_fen, reverses)
    new_balance = locked.balance_fen + amount
    _check(locked, kind, amount, new_balance, fee_record=fee_record, reverses=reverses)
    entry = LedgerEntry(
        account=locked,
        kind=kind,
        amount_fen=amount,
        balance_after_fen=new_balance,
        booked_on=booked_on or timezone.localdate(),
        fee_record=fee_record if kind == K.FEE else (reverses.fee_record if reverses else None),
        reverses=reverses,
        bank_reference=bank_reference,
        note=note,
    )
    entry.save()
    locked.balance_fen = new_balance
    locked.save(update_fields=["balance_fen"])
    account.balance_fen = new_balance

    if evaluate:
        from funds.services.warnings import account_evaluate

        account_evaluate(locked, today=entry.booked_on)
    return entry
