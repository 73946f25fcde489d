"""The statistics' figures kept per campaign share and street (derived data).

One row per (share, street of the institutions visited; no street is a row of its own) with
the figures the statistics show. The rows are recomputed for a share in the same transaction
as any write that changes its figures (inspections.services.figures), so they are never stale
and the statistics read them instead of every visit, notice and finding of the campaign."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel
from inspections.models.campaigns import CampaignShare

# The counted figures of a row, in the order the statistics show them.
FIGURES = (
    "visits",
    "institutions",
    "personnel_times",
    "vehicle_trips",
    "suspended",
    "banned",
    "issued",
    "closed",
    "overdue",
)


class ShareFigures(BureauOwnedModel):
    tenant_parent = "share"

    share = models.ForeignKey(CampaignShare, on_delete=models.CASCADE, related_name="figures")
    street = models.ForeignKey(
        "bureaus.Street", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    visits = models.PositiveIntegerField(default=0)
    institutions = models.PositiveIntegerField(default=0)
    personnel_times = models.PositiveBigIntegerField(default=0)
    vehicle_trips = models.PositiveBigIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    banned = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # Violations by checklist area: {area: n}.
    areas = models.JSONField(default=dict, blank=True)
    refreshed_at = models.DateTimeField(_("Data as of"))

    class Meta:
        verbose_name = _("Campaign share figures")
        verbose_name_plural = _("Campaign share figures")
        constraints = [
            models.UniqueConstraint(
                fields=["share", "street"], name="sharefigures_one_per_street", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.share_id} · {self.street_id}"
