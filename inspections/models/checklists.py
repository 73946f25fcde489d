"""Checklists as data: national templates and a bureau's copies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
