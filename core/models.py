"""Records of the shared mechanisms: document-number counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberCounter(models.Model):
    """The last number issued for one bureau, kind of record and year (发文字号, 督办单号…).

    Not read through any route: `core.numbering.next_number` is its only writer, and the
    number it hands out is only kept if the caller's transaction commits (gap-free)."""

    bureau = models.ForeignKey("bureaus.Bureau", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("Kind"), max_length=40)
    year = models.PositiveSmallIntegerField(_("Year"))
    last = models.PositiveIntegerField(_("Last number"), default=0)

    class Meta:
        verbose_name = _("Number counter")
        verbose_name_plural = _("Number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "year"], name="numbercounter_unique_sequence"
            ),
        ]

    def __str__(self):
        return f"{self.bureau_id}/{self.kind}/{self.year}: {self.last}"
