"""Campaigns (专项检查, 回头看…), their checklists, visits to institutions with their findings and
photos, random draws (双随机) and rectification notices (整改通知书) chased to the end.

Tenancy: a campaign belongs to the bureau that issued it (a district, or a city/province);
each district runs its own share (`CampaignShare`, owned by the district), and every visit,
draw and notice hangs under a share, so a district sees only its own work and the issuer sees
every share below it."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.scoping import BureauOwnedModel
from core.models import Deadline

# seed 002 §四: progress reported before the 13th and the 27th of each month.
DEFAULT_REPORT_DAYS = [13, 27]


class ChecklistTemplate(models.Model):
    """A checklist as data: items grouped by area. The national templates (seeded, `bureau`
    empty) are read by every bureau; a bureau's own copy is edited by that bureau. A campaign
    copies the items it uses (CampaignItem), so later edits never change a campaign's list."""

    name = models.CharField(_("Name"), max_length=100)
    source = models.CharField(_("Source"), max_length=200, blank=True)
    bureau = models.ForeignKey(
        "bureaus.Bureau", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Checklist template")
        verbose_name_plural = _("Checklist templates")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    area = models.CharField(_("Area"), max_length=50)
    text = models.TextField(_("Item"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Checklist item")
        verbose_name_plural = _("Checklist items")
        ordering = ["template_id", "position", "pk"]

    def __str__(self):
        return f"{self.area}: {self.text[:40]}"


class Campaign(BureauOwnedModel):
    """An inspection campaign issued by `bureau` (a district for itself, or a city/province
    for every district below it)."""

    # Row-level security (bureaus.rls): a district reads the campaign a bureau above it issued
    # through its own share of it (read only).
    rls_read_via = ("id", "inspections.CampaignShare", "campaign")

    class Kind(models.TextChoices):
        SPECIAL = "special", _("Special inspection")
        REVIEW = "review", _("Look-back review")
        ROUTINE = "routine", _("Routine patrol")
        ANNUAL = "annual", _("Annual inspection")
        RANDOM = "random", _("Random inspection")

    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("Checklist")
    )
    template_version = models.PositiveSmallIntegerField(_("Checklist version"))
    starts_on = models.DateField(_("Starts"))
    ends_on = models.DateField(_("Ends"))
    report_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(28)]),
        verbose_name=_("Reporting days of the month"),
        default=list,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Campaign")
        verbose_name_plural = _("Campaigns")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order"
            )
        ]

    def __str__(self):
        return self.name


class CampaignPhase(BureauOwnedModel):
    tenant_parent = "campaign"
    # Row-level security (bureaus.rls): read by the districts holding a share of the campaign.
    rls_read_via = ("campaign", "inspections.CampaignShare", "campaign")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("Phase"), max_length=100)
    starts_on = models.DateField(_("Starts"))
    ends_on = models.DateField(_("Ends"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Campaign phase")
        verbose_name_plural = _("Campaign phases")
        ordering = ["campaign_id", "position", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_dates_in_order"
            )
        ]

    def __str__(self):
        return self.name


class CampaignItem(BureauOwnedModel):
    """One item of the checklist a campaign froze when it was issued."""

    tenant_parent = "campaign"
    # Row-level security (bureaus.rls): read by the districts holding a share of the campaign.
    rls_read_via = ("campaign", "inspections.CampaignShare", "campaign")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    area = models.CharField(_("Area"), max_length=50)
    text = models.TextField(_("Item"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Campaign checklist item")
        verbose_name_plural = _("Campaign checklist items")
        ordering = ["campaign_id", "position", "pk"]

    def __str__(self):
        return f"{self.area}: {self.text[:40]}"


class CampaignShare(BureauOwnedModel):
    """A district's part of a campaign: what the district sees and runs."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shares")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Campaign share")
        verbose_name_plural = _("Campaign shares")
        ordering = ["campaign_id", "bureau_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "bureau"], name="share_one_per_district")
        ]

    def __str__(self):
        return f"{self.campaign.name} · {self.bureau.name}"


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


class InspectorRecusal(BureauOwnedModel):
    """An inspector who must never be drawn for an institution (a conflict of interest)."""

    tenant_parent = "institution"

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("Reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Recusal")
        verbose_name_plural = _("Recusals")
        constraints = [
            models.UniqueConstraint(fields=["institution", "inspector"], name="recusal_once")
        ]


class Draw(BureauOwnedModel):
    """A random draw (双随机) of targets and inspectors, recorded so anyone can replay it:
    the seed, the pool as drawn from, the algorithm version and the result."""

    tenant_parent = "share"

    share = models.ForeignKey(CampaignShare, on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField(_("Seed"), max_length=64)
    algorithm = models.CharField(_("Algorithm"), max_length=20)
    filters = models.JSONField(_("Filters"), default=dict, blank=True)
    pool = models.JSONField(_("Pool"))
    count = models.PositiveIntegerField(_("Count"))
    # A draw by ratio records the ratio asked for (the count is what it gave); a draw weighted
    # by risk records each candidate's weight, so a replay uses the same weights.
    ratio = models.DecimalField(_("Ratio"), max_digits=5, decimal_places=4, null=True, blank=True)
    weights = models.JSONField(_("Risk weights"), default=dict, blank=True)
    # Per drawn institution: the inspectors eligible for it by department (after recusal).
    roster = models.JSONField(_("Roster"), default=dict, blank=True)
    result = models.JSONField(_("Result"))
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("Random draw")
        verbose_name_plural = _("Random draws")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self):
        return f"{self.share} · {self.drawn_at:%Y-%m-%d}"
