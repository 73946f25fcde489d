"""Rectification notices (整改通知书) and the districts' policy for chasing them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel
from core.models import Deadline
from inspections.models.visits import Finding, Inspection


class RectificationNotice(BureauOwnedModel, Deadline):
    """A rectification notice (整改通知书) from violation findings, owed by the institution by
    `due_on` (working days). What a document needs is here: `number`, `due_on`, `findings`,
    `requirements`, the institution (through the visit)."""

    tenant_parent = "inspection"

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SUBMITTED = "submitted", _("Evidence submitted")
        CLOSED = "closed", _("Verified and closed")
        REJECTED = "rejected", _("Evidence rejected")
        ESCALATED = "escalated", _("Overdue, escalated")
        SANCTIONED = "sanctioned", _("Ended by a sanction")

    class Sanction(models.TextChoices):
        NONE = "", _("None")
        SUSPEND = "suspend", _("Suspended for rectification")
        BAN = "ban", _("Banned")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="notices")
    findings = models.ManyToManyField(Finding, related_name="notices")
    number = models.CharField(_("Number"), max_length=60)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    requirements = models.TextField(_("Requirements"))
    working_days = models.PositiveSmallIntegerField(_("Working days to rectify"))
    issued_at = models.DateTimeField(_("Issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reissue_count = models.PositiveSmallIntegerField(default=0)
    evidence = models.TextField(_("Evidence"), blank=True)
    evidence_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("Review note"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Escalated to the city after the district's further period (InspectionPolicy).
    city_escalated_at = models.DateTimeField(null=True, blank=True)
    # The official PDF (documents/), one per issue of the deadline (a re-issue gets its own).
    document = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Official document"),
    )
    # The outcome that changed the institution (停办整改 / 取缔, through the registry), with
    # what became of its students and their fees.
    sanction = models.CharField(
        _("Sanction"), max_length=10, choices=Sanction.choices, default="", blank=True
    )
    sanction_reason = models.TextField(_("Reason for the sanction"), blank=True)
    sanctioned_at = models.DateTimeField(null=True, blank=True)
    students_placed = models.PositiveIntegerField(_("Students placed"), default=0)
    refunded_fen = models.PositiveBigIntegerField(_("Fees refunded (fen)"), default=0)
    refund_students = models.PositiveIntegerField(_("Students refunded"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Rectification notice")
        verbose_name_plural = _("Rectification notices")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "number"], name="notice_unique_number")
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="notice_status_due")]

    def __str__(self):
        return self.number

    @property
    def refunded_yuan(self) -> str:
        return f"{self.refunded_fen // 100}.{self.refunded_fen % 100:02d}"

    @classmethod
    def owed_q(cls) -> Q:
        return Q(status=cls.Status.ISSUED)

    def is_owed(self) -> bool:
        return self.status == self.Status.ISSUED


class InspectionPolicy(BureauOwnedModel):
    """A district's setting for the chase of its notices: how many working days after the
    escalation to the district's administrators an overdue notice goes on to the city."""

    city_escalation_days = models.PositiveSmallIntegerField(
        _("Escalate to the city after (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("Inspection policy")
        verbose_name_plural = _("Inspection policies")
        constraints = [models.UniqueConstraint(fields=["bureau"], name="inspection_policy_bureau")]

    def __str__(self):
        return str(self.bureau)
