"""Prepaid-fee escrow (预收费资金监管): supervised accounts, their append-only ledger in fen,
fee records checked against the fee cap, lessons consumed and refund requests (一课一消), and
the warnings a periodic job raises."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.crypto import EncryptedTextField, blind_index, mask, mask_name
from bureaus.scoping import BureauOwnedModel
from core.models import BackgroundJob

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

    account = models.ForeignKey(
        EscrowAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("Account")
    )
    kind = models.CharField(_("Type"), max_length=10, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    balance_after_fen = models.BigIntegerField(_("Balance after (fen)"))
    booked_on = models.DateField(_("Booked on"))
    fee_record = models.ForeignKey(
        FeeRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("Fee record"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("Reverses"),
    )
    bank_reference = models.CharField(_("Bank reference"), max_length=64, blank=True)
    note = models.CharField(_("Note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_parent = "account"

    class Meta:
        verbose_name = _("Ledger entry")
        verbose_name_plural = _("Ledger entries")
        ordering = ["account", "id"]
        indexes = [
            models.Index(fields=["account", "booked_on", "id"], name="ledger_account_day"),
            # The ledger page's keyset (newest first, entries before an id).
            models.Index(fields=["account", "id"], name="ledger_account_keyset"),
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
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_fen}"


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


class FundWarning(BureauOwnedModel):
    """A warning on an account (资金预警): open → acknowledged (with a note) → resolved."""

    class Kind(models.TextChoices):
        BELOW_MINIMUM = "below_minimum", _("Balance below the minimum")
        BELOW_THRESHOLD = "below_threshold", _("Balance below the warning threshold")
        LARGE_OUTFLOW = "large_outflow", _("Large single outflow")
        DAILY_OUTFLOW = "daily_outflow", _("Day's outflows above the limit")
        UNDEPOSITED = "undeposited", _("Fees not deposited into the account")
        COVERAGE = "coverage", _("Balance does not cover unconsumed fees")
        SILENT = "silent", _("No movement for a long time")
        MISMATCH = "mismatch", _("Balance differs from the sum of entries")

    class Level(models.TextChoices):
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("fund warning status", "Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", pgettext_lazy("fund warning status", "Resolved")

    class Suspension(models.TextChoices):
        NONE = "", _("Not proposed")
        PROPOSED = "proposed", _("Suspension proposed")
        CONFIRMED = "confirmed", _("Suspension confirmed")
        DECLINED = "declined", _("Suspension declined")

    UNRESOLVED = ("open", "acknowledged")
    # Warnings about a state (resolved by the job once the state is gone); the others are
    # about an event and stay until staff resolve them.
    STATE_KINDS = ("below_minimum", "below_threshold", "undeposited", "coverage", "silent")

    account = models.ForeignKey(
        EscrowAccount, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("Account")
    )
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("Level"), max_length=6, choices=Level.choices)
    # What the warning is about (e.g. "large_outflow:<entry id>"): one unresolved per key.
    key = models.CharField(max_length=80)
    detail = models.CharField(_("Detail"), max_length=300)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("Note"), blank=True)
    raised_at = models.DateTimeField(_("Raised"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("Acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(
        pgettext_lazy("fund warning time", "Resolved"), null=True, blank=True
    )
    # A warning may propose suspending the institution (停办整改); an officer confirms it
    # through the registry's lifecycle, or declines it.
    suspension = models.CharField(
        _("Suspension"), max_length=10, choices=Suspension.choices, default="", blank=True
    )
    suspension_reason = models.TextField(_("Why suspend"), blank=True)
    suspension_proposed_at = models.DateTimeField(_("Suspension proposed"), null=True, blank=True)
    suspension_decided_at = models.DateTimeField(_("Suspension decided"), null=True, blank=True)

    tenant_parent = "account"

    class Meta:
        verbose_name = _("Fund warning")
        verbose_name_plural = _("Fund warnings")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["bureau", "status"], name="fundwarning_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "key"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="fundwarning_one_unresolved_per_key",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class FundSettings(BureauOwnedModel):
    """Default warning thresholds a bureau sets for the escrow accounts under it (Zhejiang: the
    city sets 预警值): a district's own figure, else its city's, else its province's. Empty means
    "inherit". Every change is in the audit trail (BureauOwnedModel)."""

    red_threshold_fen = models.BigIntegerField(
        _("Red warning below (minimum balance, fen)"), null=True, blank=True
    )
    yellow_threshold_fen = models.BigIntegerField(
        _("Yellow warning below (fen)"), null=True, blank=True
    )
    basis = models.CharField(_("Basis (document number)"), max_length=200, blank=True)
    updated_at = models.DateTimeField(pgettext_lazy("time", "Updated"), auto_now=True)

    class Meta:
        verbose_name = _("Escrow warning thresholds")
        verbose_name_plural = _("Escrow warning thresholds")
        ordering = ["bureau__path"]
        constraints = [
            models.UniqueConstraint(fields=["bureau"], name="fundsettings_one_per_bureau"),
            models.CheckConstraint(
                condition=(Q(red_threshold_fen__isnull=True) | Q(red_threshold_fen__gte=0))
                & (Q(yellow_threshold_fen__isnull=True) | Q(yellow_threshold_fen__gte=0)),
                name="fundsettings_thresholds_valid",
            ),
        ]

    def __str__(self):
        return str(self.bureau)


class StatementImport(BureauOwnedModel, BackgroundJob):
    """One bank statement file imported: how many lines, how many booked, how many were
    already booked (same bank reference), and the errors by line when it was refused. A
    background job delivered at least once (core.models.BackgroundJob: attempts, progress,
    stalled detection)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Checking lines")
        BOOKING = "booking", _("Booking")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Refused")

    FINISHED = ("done", "refused")

    original_name = models.CharField(_("File"), max_length=200)
    # The upload's name in default storage while a background job imports it.
    file = models.CharField(max_length=300, blank=True)
    state = models.CharField(_("State"), max_length=8, choices=State.choices)
    lines = models.PositiveIntegerField(_("Lines"), default=0)
    checked = models.PositiveIntegerField(_("Lines checked"), default=0)
    inserted = models.PositiveIntegerField(_("Booked"), default=0)
    duplicates = models.PositiveIntegerField(_("Already booked"), default=0)
    # [{"line": 3, "column": "账号", "message": "…"}]; a refusal of the whole file has line 0.
    errors = models.JSONField(_("Errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        "bureaus.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("By"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("Finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("Statement import")
        verbose_name_plural = _("Statement imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return self.checked * 100 // self.lines if self.lines else 0
