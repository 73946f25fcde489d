"""The registry (底数台账): off-campus training institutions and what is on file about them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel


class Institution(BureauOwnedModel):
    """An off-campus training institution (校外培训机构) registered with a district bureau."""

    class Category(models.TextChoices):
        ACADEMIC = "academic", _("Academic (学科类)")
        ARTS = "arts", _("Culture and arts")
        SPORTS = "sports", _("Sports")
        SCIENCE = "science", _("Science and technology")
        VOCATIONAL = "vocational", _("Vocational skills")
        CARE = "care", _("After-school care")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        NORMAL = "normal", _("Operating")
        SUSPENDED = "suspended", _("Suspended for rectification")
        BANNED = "banned", _("Banned")
        DEREGISTERED = "deregistered", _("Deregistered")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("Name"), max_length=200)
    credit_code = models.CharField(_("Unified social credit code"), max_length=18, blank=True)
    category = models.CharField(_("Category"), max_length=12, choices=Category.choices)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PREPARING
    )
    street = models.ForeignKey(
        "bureaus.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Street"),
    )
    address = models.CharField(_("Address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Institution")
        verbose_name_plural = _("Institutions")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="institution_unique_credit_code",
            ),
        ]

    def __str__(self):
        return self.name
