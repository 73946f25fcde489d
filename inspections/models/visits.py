"""Visits (检查) to institutions: the team's acknowledgements, findings and photos."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.scoping import BureauOwnedModel
from inspections.models.campaigns import CampaignItem, CampaignShare


class Inspection(BureauOwnedModel):
    """One visit (检查) to an institution by a team of departments and inspectors."""

    tenant_parent = "share"

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        CONCLUDED = "concluded", pgettext_lazy("inspection status", "Concluded")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        COMPLIANT = "compliant", _("No problem found")
        RECTIFY = "rectify", _("Rectification required")
        SUSPEND = "suspend", _("Suspended for rectification")
        BAN = "ban", _("Banned")

    share = models.ForeignKey(CampaignShare, on_delete=models.PROTECT, related_name="inspections")
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Institution"),
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Tip-off"),
    )
    departments = models.ManyToManyField(
        "bureaus.Department", blank=True, related_name="+", verbose_name=_("Departments")
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("Inspectors")
    )
    planned_on = models.DateField(_("Planned date"))
    unannounced = models.BooleanField(_("Unannounced"), default=False)
    started_at = models.DateTimeField(_("Started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("Ended"), null=True, blank=True)
    personnel_times = models.PositiveIntegerField(_("Personnel-times"), default=0)
    vehicle_trips = models.PositiveIntegerField(_("Vehicle trips"), default=0)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.CharField(
        pgettext_lazy("inspection outcome", "Outcome"),
        max_length=10,
        choices=Outcome.choices,
        default=Outcome.PENDING,
    )
    summary = models.TextField(_("Summary"), blank=True)
    # The acknowledgement (签字确认) of the record once concluded: each inspector of the team
    # (InspectionAcknowledgement), and the institution's representative by name and role.
    representative_name = models.CharField(_("Representative"), max_length=50, blank=True)
    representative_role = models.CharField(
        _("Representative's position"), max_length=50, blank=True
    )
    representative_acknowledged_at = models.DateTimeField(
        _("Representative acknowledged"), null=True, blank=True
    )
    representative_refused = models.BooleanField(_("Representative refused to sign"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Inspection")
        verbose_name_plural = _("Inspections")
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=False, ended_at__gte=models.F("started_at")),
                name="inspection_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.institution.name} · {self.planned_on:%Y-%m-%d}"


class InspectionAcknowledgement(BureauOwnedModel):
    """One inspector of the team acknowledging the visit's record (once each)."""

    tenant_parent = "inspection"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(pgettext_lazy("time", "Acknowledged"))

    class Meta:
        verbose_name = _("Inspector's acknowledgement")
        verbose_name_plural = _("Inspectors' acknowledgements")
        ordering = ["inspection_id", "acknowledged_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "inspector"], name="acknowledgement_once_per_inspector"
            )
        ]


class Finding(BureauOwnedModel):
    """The answer to one checklist item on one visit; one per (visit, item), so saving the
    same answer again (an offline retry) changes nothing."""

    tenant_parent = "inspection"

    class Result(models.TextChoices):
        OK = "ok", _("Compliant")
        VIOLATION = "violation", _("Violation")
        NA = "na", _("Not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(CampaignItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("Result"), max_length=10, choices=Result.choices)
    note = models.TextField(_("Note"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(pgettext_lazy("finding answered at", "Answered"))

    class Meta:
        verbose_name = _("Finding")
        verbose_name_plural = _("Findings")
        ordering = ["inspection_id", "item__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="finding_one_per_item")
        ]

    def __str__(self):
        return f"{self.item.text[:30]}: {self.get_result_display()}"


def _photo_path(instance, filename):
    return f"inspections/{instance.bureau_id}/{filename}"


class FindingPhoto(BureauOwnedModel):
    """A photo taken as evidence: the original as uploaded, its SHA-256 and capture time
    recorded at upload. Staff only; never public."""

    tenant_parent = "finding"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    captured_at = models.DateTimeField(_("Captured"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Finding photo")
        verbose_name_plural = _("Finding photos")
        ordering = ["finding_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "sha256"], name="photo_once_per_finding")
        ]
