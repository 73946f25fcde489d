"""Random draws (双随机) and the recusals they honour."""

import hashlib
import struct

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel
from inspections.models.campaigns import CampaignShare


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
    the seed, the pool as drawn from, the algorithm version and the result.

    The pool (up to every institution of the district: 100,000 ids) and, weighted, each
    candidate's weight are stored once, packed, in `DrawPool`; this row keeps their size and
    SHA-256 digest (audited with the row), so a replay checks the stored pool against the
    digest before recomputing, and a pool changed after the draw is detected."""

    tenant_parent = "share"

    share = models.ForeignKey(CampaignShare, on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField(_("Seed"), max_length=64)
    algorithm = models.CharField(_("Algorithm"), max_length=20)
    filters = models.JSONField(_("Filters"), default=dict, blank=True)
    pool_size = models.PositiveIntegerField(_("Pool size"))
    pool_digest = models.CharField(_("Pool digest (SHA-256)"), max_length=64)
    count = models.PositiveIntegerField(_("Count"))
    # A draw by ratio records the ratio asked for (the count is what it gave); a draw weighted
    # by risk records each candidate's weight (in DrawPool), so a replay uses the same weights.
    ratio = models.DecimalField(_("Ratio"), max_digits=5, decimal_places=4, null=True, blank=True)
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

    def _stored_pool(self):
        try:
            return self.pool_data
        except DrawPool.DoesNotExist:
            return None

    @property
    def pool(self) -> list[int]:
        """The institution ids the draw was made from, in order (read from DrawPool)."""
        stored = self._stored_pool()
        return unpack_ids(bytes(stored.ids)) if stored else []

    @property
    def weights(self) -> dict[str, int]:
        """Each candidate's risk weight as recorded ({} for a draw not weighted)."""
        stored = self._stored_pool()
        if stored is None or not stored.weights:
            return {}
        return dict(zip(map(str, self.pool), unpack_ids(bytes(stored.weights)), strict=True))


def pack_ids(values) -> bytes:
    """Integers as big-endian signed 64-bit words (the packed form DrawPool stores)."""
    values = list(values)
    return struct.pack(f">{len(values)}q", *values)


def unpack_ids(data: bytes) -> list[int]:
    return list(struct.unpack(f">{len(data) // 8}q", data))


def pool_digest(ids: bytes, weights: bytes) -> str:
    """SHA-256 of the packed pool and weights, as recorded on the draw."""
    digest = hashlib.sha256(b"jianguan-draw-pool-1\x00")
    digest.update(len(ids).to_bytes(8, "big"))
    digest.update(ids)
    digest.update(weights)
    return digest.hexdigest()


class DrawPool(BureauOwnedModel):
    """A draw's pool (and weights), packed: `ids` the sorted institution ids and `weights` the
    weight of each in the same order (empty when not weighted), as 64-bit big-endian words.
    Written once with the draw, without a field-by-field audit copy (the draw's audited row
    holds the digest that proves it unchanged)."""

    tenant_parent = "draw"

    draw = models.OneToOneField(Draw, on_delete=models.CASCADE, related_name="pool_data")
    ids = models.BinaryField()
    weights = models.BinaryField(blank=True, default=b"")

    class Meta:
        verbose_name = _("Random draw pool")
        verbose_name_plural = _("Random draw pools")
