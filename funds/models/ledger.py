"""The append-only ledger in fen, and what releases money out of it (一课一消): lessons
consumed and refund requests."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel
from funds.models.accounts import EscrowAccount, FeeRecord


class LedgerEntry(BureauOwnedModel):
    """One movement of an escrow account, in fen (inflows positive, outflows negative).

    Append-only: the database refuses UPDATE and DELETE (migration 0002); a mistake is put
    right by an adjustment reversing the entry, never by an edit."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee collected")
        RELEASE = "release", _("Release for lessons consumed")
        REFUND = "refund", _("Refund")
        DEPOSIT = "deposit", _("Deposit")
        WITHDRAWAL = "withdrawal", _("Withdrawal of a deposit")
        ADJUSTMENT = "adjustment", _("Adjustment (reversal)")

    INFLOWS = ("fee", "deposit")
    OUTFLOWS = ("release", "refund", "withdrawal")

    # The bureau's and the account's foreign keys are one composite key in the database,
    # (account_id, bureau_id) → the account's (id, bureau_id) (migration 0011): an entry's
    # bureau is its account's, checked by one lookup per entry instead of two (an import's
    # 1,000,000 entries). The bureau keeps its index (the district's ledger).
    bureau = models.ForeignKey(
        "bureaus.Bureau",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bureau",
        db_constraint=False,
    )
    # No index of its own: every index below leads with the account (ledger_account_keyset
    # serves what a single-column index would), and one index less is one less write per entry.
    account = models.ForeignKey(
        EscrowAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("Account"),
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("Type"), max_length=10, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    balance_after_fen = models.BigIntegerField(_("Balance after (fen)"))
    booked_on = models.DateField(_("Booked on"))
    # Both mostly empty (an import's entries have neither): indexed only where set
    # (ledger_fee_record, ledger_reverses_once), not one index entry per NULL.
    fee_record = models.ForeignKey(
        FeeRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("Fee record"),
        db_index=False,
    )
    # An entry is reversed at most once (ledger_reverses_once).
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("Reverses"),
        db_index=False,
    )
    bank_reference = models.CharField(_("Bank reference"), max_length=64, blank=True)
    note = models.CharField(_("Note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_parent = "account"
    # The database refuses UPDATE and DELETE (migration 0002): an import's entries are audited
    # by one event (bureaus.audit.RowsTrail).
    append_only = True

    class Meta:
        verbose_name = _("Ledger entry")
        verbose_name_plural = _("Ledger entries")
        ordering = ["account", "id"]
        indexes = [
            models.Index(fields=["account", "booked_on", "id"], name="ledger_account_day"),
            # The ledger page's keyset (newest first, entries before an id).
            models.Index(fields=["account", "id"], name="ledger_account_keyset"),
            # …and under a filter by type (releases only, refunds only) on the same keyset.
            models.Index(fields=["account", "kind", "id"], name="ledger_account_kind_keyset"),
            # The warnings' window of recent outflows (large movements, a day's outflows):
            # index-only, an account's few days at a time.
            models.Index(
                fields=["account", "booked_on"],
                include=["amount_fen", "id"],
                condition=Q(amount_fen__lt=0),
                name="ledger_outflow_day",
            ),
            # A fee record's entries (deposited so far; the record's page).
            models.Index(
                fields=["fee_record"],
                condition=Q(fee_record__isnull=False),
                name="ledger_fee_record",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["fee", "deposit"]) & Q(amount_fen__gt=0))
                | (Q(kind__in=["release", "refund", "withdrawal"]) & Q(amount_fen__lt=0))
                | (Q(kind="adjustment") & ~Q(amount_fen=0) & Q(reverses__isnull=False)),
                name="ledger_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="fee", fee_record__isnull=False) | ~Q(kind="fee"),
                name="ledger_fee_has_record",
            ),
            # A bank's transaction reference books once (statement imports are idempotent).
            models.UniqueConstraint(
                fields=["account", "bank_reference"],
                condition=~Q(bank_reference=""),
                name="ledger_unique_bank_reference",
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_reverses_once",
            ),
        ]

    def __str__(self):
        # The label by the enum, not get_kind_display (which hashes the choices each call):
        # an import's bulk audit rows call this once an entry.
        return f"{self.Kind(self.kind).label} {self.amount_fen}"


class Lesson(BureauOwnedModel):
    """Lessons given against a fee record (一课一消): payable out of escrow once confirmed by
    the parent, or deemed confirmed after 15 working days without dispute."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DEEMED = "deemed", _("Deemed confirmed")
        DISPUTED = "disputed", _("Disputed")
        RELEASED = "released", _("Released")

    PAYABLE = ("confirmed", "deemed")

    fee_record = models.ForeignKey(
        FeeRecord, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("Fee record")
    )
    hours = models.PositiveIntegerField(_("Class hours"))
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    given_on = models.DateField(_("Given on"))
    confirm_by = models.DateField(_("Deemed confirmed on"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    release = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="lesson"
    )

    tenant_parent = "fee_record"

    class Meta:
        verbose_name = _("Lessons consumed")
        verbose_name_plural = _("Lessons consumed")
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="lesson_amount_pos"),
        ]

    def __str__(self):
        return f"{self.given_on} ×{self.hours}"


class RefundRequest(BureauOwnedModel):
    """A parent's refund request: deemed agreed when the institution leaves it unanswered for
    5 working days, and flagged to the bureau."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        AGREED = "agreed", _("Agreed")
        DEEMED = "deemed", _("Deemed agreed")
        REFUSED = "refused", _("Refused")
        PAID = "paid", _("Paid")

    fee_record = models.ForeignKey(
        FeeRecord, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("Fee record")
    )
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    requested_on = models.DateField(_("Requested on"))
    answer_by = models.DateField(_("Deemed agreed on"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )

    tenant_parent = "fee_record"

    class Meta:
        verbose_name = _("Refund request")
        verbose_name_plural = _("Refund requests")
        ordering = ["requested_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_pos"),
        ]

    def __str__(self):
        return f"{self.requested_on} {self.amount_fen}"
