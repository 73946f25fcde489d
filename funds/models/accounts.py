"""Supervised accounts (专户托管 or 风险保证金) and the fee records they cover, checked against
the fee cap (教监管函〔2021〕2号)."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.crypto import EncryptedTextField, blind_index, mask, mask_name
from bureaus.scoping import BureauOwnedModel

# 教监管函〔2021〕2号 and seed 001 篇2: one charge at most 5000 yuan, and at most 3 months or
# 60 class hours.
FEE_CAP_FEN = 5000_00
FEE_CAP_MONTHS = 3
FEE_CAP_HOURS = 60
FEE_CAP_RULE = _(
    "教监管函〔2021〕2号: a single charge may not exceed 5000 yuan, nor cover more than "
    "3 months or 60 class hours"
)
# The national platform: a lesson not disputed within 15 working days is deemed confirmed; a
# refund request not answered within 5 working days is deemed agreed.
DEEMED_CONFIRMED_DAYS = 15
DEEMED_REFUND_DAYS = 5


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class EscrowAccount(BureauOwnedModel):
    """An institution's supervised account: bank custody (专户托管) or a risk deposit
    (风险保证金)."""

    class Mode(models.TextChoices):
        CUSTODY = "custody", _("Bank custody (专户托管)")
        DEPOSIT = "deposit", _("Risk deposit (风险保证金)")

    class MinimumKind(models.TextChoices):
        FIXED = "fixed", _("Fixed amount")
        SHARE = "share", _("Share of unconsumed fees")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FROZEN = "frozen", _("Frozen")
        CLOSED = "closed", pgettext_lazy("escrow account status", "Closed")

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Institution"),
    )
    bank = models.CharField(_("Bank"), max_length=100)
    account_number = EncryptedTextField(_("Account number"))
    # A keyed hash of the number: statement lines find their account without decrypting.
    account_number_index = models.CharField(max_length=64, editable=False, db_index=True)
    agreed_on = models.DateField(_("Agreement date"))
    mode = models.CharField(_("Mode"), max_length=8, choices=Mode.choices, default=Mode.CUSTODY)
    minimum_kind = models.CharField(
        _("Minimum balance"), max_length=6, choices=MinimumKind.choices, default=MinimumKind.FIXED
    )
    minimum_fixed_fen = models.BigIntegerField(_("Minimum balance (fen)"), default=0)
    minimum_share_pct = models.PositiveSmallIntegerField(
        _("Minimum share of unconsumed fees (%)"), default=0
    )
    yellow_threshold_fen = models.BigIntegerField(_("Yellow warning below (fen)"), default=0)
    single_outflow_limit_fen = models.BigIntegerField(
        _("Single outflow limit (fen)"), default=50_000_00
    )
    daily_outflow_limit_fen = models.BigIntegerField(
        _("Daily outflow limit (fen)"), default=100_000_00
    )
    deposit_within_days = models.PositiveSmallIntegerField(
        _("Fees deposited within (days)"), default=3
    )
    silent_after_days = models.PositiveSmallIntegerField(
        _("Silent account after (days)"), default=30
    )
    # The minimum balance (red) and the yellow threshold follow the bureau's defaults
    # (FundSettings: the district's, else its city's) instead of the account's own figures.
    follows_defaults = models.BooleanField(
        _("Thresholds follow the bureau's defaults"), default=False
    )
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    # Kept under a row lock in the transaction that writes each entry; reconciled nightly.
    balance_fen = models.BigIntegerField(_("Balance (fen)"), default=0)
    # Releases and refunds net of their reversals (a positive figure): kept by a database
    # trigger in the statement that inserts entries (migration 0009), so the warnings read the
    # unconsumed fees from the accounts, not the ledger; reconciled nightly.
    paid_out_fen = models.BigIntegerField(_("Paid out (fen)"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_parent = "institution"
    audit_redact = frozenset({"account_number", "account_number_index"})

    class Meta:
        verbose_name = _("Escrow account")
        verbose_name_plural = _("Escrow accounts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_fixed_fen__gte=0)
                & Q(yellow_threshold_fen__gte=0)
                & Q(minimum_share_pct__lte=100),
                name="escrowaccount_limits_valid",
            ),
            # One open account per institution: its unconsumed fees are covered by that one.
            models.UniqueConstraint(
                fields=["institution"],
                condition=~Q(status="closed"),
                name="escrowaccount_one_open_per_institution",
            ),
            # What the ledger's composite foreign key (account, bureau) refers to.
            models.UniqueConstraint(fields=["id", "bureau"], name="escrowaccount_id_bureau"),
        ]

    def __str__(self):
        return f"{self.bank} {self.masked_account_number}"

    def save(self, *args, **kwargs):
        self.account_number_index = blind_index(self.account_number) if self.account_number else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "account_number" in update_fields:
            kwargs["update_fields"] = [*update_fields, "account_number_index"]
        super().save(*args, **kwargs)

    @property
    def masked_account_number(self) -> str:
        return mask(self.account_number, keep_start=4, keep_end=4)

    def minimum_fen(self, unconsumed_fen: int) -> int:
        """最低存款余额: fixed, or a share of the fees parents paid for lessons not yet given."""
        if self.minimum_kind == self.MinimumKind.SHARE:
            return max(unconsumed_fen, 0) * self.minimum_share_pct // 100
        return self.minimum_fixed_fen


class FeeRecord(BureauOwnedModel):
    """One purchase by one student: what was paid, for what period and how many class hours."""

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Institution"),
    )
    student_name = EncryptedTextField(_("Student"))
    course_name = models.CharField(_("Course"), max_length=200)
    contract_number = models.CharField(_("Contract number"), max_length=60)
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    collected_on = models.DateField(_("Collected on"))
    period_start = models.DateField(_("Period start"))
    period_end = models.DateField(_("Period end"))
    class_hours = models.PositiveIntegerField(_("Class hours"))
    # The fee cap: a violating charge is recorded (it happened), with the rule it breaks.
    violates_cap = models.BooleanField(_("Violates the fee cap"), default=False)
    violation = models.TextField(_("Violation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_parent = "institution"
    audit_redact = frozenset({"student_name"})

    class Meta:
        verbose_name = _("Fee record")
        verbose_name_plural = _("Fee records")
        ordering = ["-collected_on", "-id"]
        indexes = [models.Index(fields=["bureau", "institution"], name="feerecord_institution")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="feerecord_amount_pos"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="feerecord_period_order",
            ),
            models.CheckConstraint(
                condition=Q(violates_cap=False) | ~Q(violation=""),
                name="feerecord_violation_cited",
            ),
            models.UniqueConstraint(
                fields=["institution", "contract_number"], name="feerecord_unique_contract"
            ),
        ]

    def __str__(self):
        return f"{self.contract_number} {self.course_name}"

    @property
    def masked_student_name(self) -> str:
        return mask_name(self.student_name)
