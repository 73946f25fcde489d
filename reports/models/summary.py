"""The roll-ups' summary table: each district's figures per month, kept by a periodic job so
that a province's or the whole country's roll-up reads a few thousand rows, not millions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel


class DistrictSummary(BureauOwnedModel):
    """A district's figures in one month: `figures` the counted figures as last refreshed
    (while the month runs: today's; after it: as at its end), `flows` what happened in the
    month (the trend). Derived data, rebuilt by reports.summaries.summary_refresh."""

    month = models.DateField(_("Month"))
    figures = models.JSONField(_("Figures"), default=dict)
    flows = models.JSONField(_("Flows in the month"), default=dict)
    refreshed_at = models.DateTimeField(_("Data as of"))

    class Meta:
        verbose_name = _("District summary")
        verbose_name_plural = _("District summaries")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "month"], name="districtsummary_month"),
        ]
        indexes = [models.Index(fields=["month", "bureau"], name="districtsummary_by_month")]

    def __str__(self):
        return f"{self.bureau_id} {self.month:%Y-%m}"
