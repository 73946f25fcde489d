"""A tip-off's conclusion citing a visit (the case chain back from a visit to the tip-off it
answered). Owned by inspections: complaints never imports this app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel
from inspections.models.visits import Inspection


class ComplaintCitation(BureauOwnedModel):
    """The visit a tip-off's conclusion cites (one per tip-off: it is concluded once)."""

    tenant_parent = "complaint"

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="citations", verbose_name=_("Visit")
    )
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Visit cited by a tip-off's conclusion")
        verbose_name_plural = _("Visits cited by tip-offs' conclusions")

    def __str__(self):
        return f"{self.complaint_id} → {self.inspection_id}"
