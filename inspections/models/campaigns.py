"""Campaigns, their phases, the checklist items they froze and the districts' shares."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel
from inspections.models.checklists import ChecklistTemplate

# seed 002 §四: progress reported before the 13th and the 27th of each month.
DEFAULT_REPORT_DAYS = [13, 27]


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
