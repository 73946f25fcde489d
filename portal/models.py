"""The institution side (机构端): institution accounts and the invitations that create them.

An institution account is a user bound to exactly one institution, with no bureau membership:
it reaches nothing on the staff side and only its own institution on the portal (portal.access).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.scoping import BureauOwnedModel


class PortalInvitation(BureauOwnedModel):
    """A district officer's invitation of an institution's contact to the portal: a link that
    expires, usable once, where the person chooses their own username and password."""

    tenant_parent = "institution"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be accepted")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Institution"),
    )
    contact_name = models.CharField(_("Contact person"), max_length=50)
    # Only the SHA-256 of the link's secret is kept: the link is shown once, to the officer.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("Expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Invited by"),
    )
    created_at = models.DateTimeField(_("Invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(
        pgettext_lazy("invitation", "Accepted"), null=True, blank=True
    )
    revoked_at = models.DateTimeField(_("Revoked"), null=True, blank=True)

    audit_redact = frozenset({"token_hash"})

    class Meta:
        verbose_name = _("Portal invitation")
        verbose_name_plural = _("Portal invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="portal_invitation_accepted_or_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.contact_name} · {self.institution}"

    def status_on(self, now=None) -> str:
        now = now or timezone.now()
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label


class PortalAccount(BureauOwnedModel):
    """An institution account (机构账号): the user speaks for this one institution and holds no
    bureau membership."""

    tenant_parent = "institution"
    # Before the portal's scope is set, the signed-in user reads their own account row only
    # (bureaus.rls: `jianguan.user`).
    rls_user_field = "user"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="portal_account",
        verbose_name=_("User"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Institution"),
    )
    invitation = models.OneToOneField(
        PortalInvitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("Invitation"),
    )
    is_active = models.BooleanField(_("Active"), default=True)
    created_at = models.DateTimeField(pgettext_lazy("time", "Created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Institution account")
        verbose_name_plural = _("Institution accounts")
        ordering = ["institution_id", "id"]

    def __str__(self):
        return f"{self.user} · {self.institution}"
