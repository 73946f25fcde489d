"""Fund warnings (资金预警) and the warning thresholds a bureau sets by default."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.scoping import BureauOwnedModel
from funds.models.accounts import EscrowAccount


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
