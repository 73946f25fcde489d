"""What is on file about an institution: licences, teaching sites, staff, its status history,
list entries and annual reviews. Each row belongs to its institution's bureau."""

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.crypto import EncryptedTextField, blind_index, mask_id_number, mask_name
from bureaus.scoping import BureauOwnedModel
from core.models import recorded_by
from institutions.models.institution import Institution, street_field


def institution_field(related_name: str):
    """The institution a record of the registry belongs to: its tenant parent (the record
    takes its bureau from it, `tenant_parent = "institution"`), deleted with it."""
    return models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name=related_name,
        verbose_name=_("Institution"),
    )


# Credentials expiring within this many days are flagged (issue 3: a periodic job flags them).
EXPIRY_WARNING_DAYS = 60


class Credential(BureauOwnedModel):
    """A licence on file: 办学许可证, 营业执照 or 民办非企业单位登记证书 (seed 000 §八)."""

    tenant_parent = "institution"

    class Kind(models.TextChoices):
        SCHOOL_LICENCE = "school_licence", _("School-running licence")
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        PNE_CERTIFICATE = "pne_certificate", _("Private non-enterprise registration certificate")

    class Expiry(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRING = "expiring", _("Expiring within 60 days")
        EXPIRED = "expired", _("Expired")

    institution = institution_field("credentials")
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("Number"), max_length=64)
    issuer = models.CharField(_("Issuer"), max_length=100, blank=True)
    issued_on = models.DateField(_("Issue date"), null=True, blank=True)
    expires_on = models.DateField(
        _("Expiry date"), null=True, blank=True, help_text=_("Leave empty if it does not expire.")
    )
    scope = models.TextField(_("Approved scope"), blank=True)
    # Set by the daily credential check (tasks.credentials_flag_expiry).
    expiry_state = models.CharField(
        _("Expiry"), max_length=10, choices=Expiry.choices, default=Expiry.VALID
    )

    class Meta:
        verbose_name = _("Credential")
        verbose_name_plural = _("Credentials")
        ordering = ["kind", "-issued_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind"], name="credential_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def expiry_on(self, today: dt.date) -> str:
        if self.expires_on is None:
            return self.Expiry.VALID
        if self.expires_on < today:
            return self.Expiry.EXPIRED
        if self.expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
            return self.Expiry.EXPIRING
        return self.Expiry.VALID

    def is_valid_on(self, today: dt.date) -> bool:
        return self.expires_on is None or self.expires_on >= today


class Site(BureauOwnedModel):
    """A teaching site (教学点); unapproved multi-site operation is a violation (seed 003 §12)."""

    tenant_parent = "institution"

    class Fire(models.TextChoices):
        NONE = "none", _("Not on file")
        ACCEPTANCE = "acceptance", _("Fire acceptance (消防验收)")
        FILING = "filing", _("Fire filing (消防备案)")

    institution = institution_field("sites")
    address = models.CharField(_("Address"), max_length=300)
    street = street_field()
    area_m2 = models.PositiveIntegerField(_("Floor area (m²)"), null=True, blank=True)
    approved = models.BooleanField(_("Approved in the licence"), default=False)
    fire_safety = models.CharField(
        _("Fire safety"), max_length=12, choices=Fire.choices, default=Fire.NONE
    )
    fire_document = models.CharField(_("Fire document number"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Site")
        verbose_name_plural = _("Sites")
        ordering = ["id"]

    def __str__(self):
        return self.address


class Staff(BureauOwnedModel):
    """A person working at an institution; the ID number is encrypted and shown masked."""

    tenant_parent = "institution"

    institution = institution_field("staff")
    name = models.CharField(_("Name"), max_length=50)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    is_teaching = models.BooleanField(_("Teaches"), default=True)
    subjects = models.CharField(_("Subjects"), max_length=100, blank=True)
    qualification_number = models.CharField(
        _("Teacher qualification certificate number"), max_length=40, blank=True
    )
    is_in_service_teacher = models.BooleanField(
        _("In-service primary or secondary school teacher"), default=False
    )

    audit_redact = frozenset({"id_number", "id_number_index"})

    class Meta:
        verbose_name = _("Staff member")
        verbose_name_plural = pgettext_lazy("institution staff", "Staff")
        ordering = ["name", "id"]

    def __str__(self):
        return mask_name(self.name)

    def save(self, *args, **kwargs):
        self.id_number_index = blind_index(self.id_number) if self.id_number else ""
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class StatusChange(BureauOwnedModel):
    """One step of an institution's status lifecycle, with its reason (history, never edited)."""

    tenant_parent = "institution"

    institution = institution_field("status_changes")
    from_status = models.CharField(
        pgettext_lazy("status change", "From"), max_length=12, choices=Institution.Status.choices
    )
    to_status = models.CharField(_("To"), max_length=12, choices=Institution.Status.choices)
    reason = models.TextField(_("Reason"))
    decided_on = models.DateField(_("Decision date"), default=timezone.localdate)
    actor = recorded_by()
    at = models.DateTimeField(_("Recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("Status change")
        verbose_name_plural = _("Status changes")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.institution} {self.from_status}→{self.to_status}"


class ListEntry(BureauOwnedModel):
    """A white-list or black-list entry (白名单/黑名单): decided, then published, maybe lifted."""

    tenant_parent = "institution"

    class Kind(models.TextChoices):
        WHITE = "white", _("White list")
        BLACK = "black", _("Black list")

    institution = institution_field("list_entries")
    kind = models.CharField(_("List"), max_length=8, choices=Kind.choices)
    reason = models.TextField(_("Reason"), blank=True)
    decided_on = models.DateField(_("Decision date"), default=timezone.localdate)
    published_on = models.DateField(_("Published"), null=True, blank=True)
    lifted_on = models.DateField(_("Lifted"), null=True, blank=True)
    lift_reason = models.TextField(_("Reason for lifting"), blank=True)
    created_at = models.DateTimeField(_("Recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("List entry")
        verbose_name_plural = _("List entries")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind"],
                condition=models.Q(lifted_on__isnull=True),
                name="list_entry_one_active_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.institution}"

    @property
    def is_active(self) -> bool:
        return self.lifted_on is None

    @property
    def is_published(self) -> bool:
        return self.published_on is not None


class AnnualReview(BureauOwnedModel):
    """The annual review (年检) result of one year (seed 001 篇5)."""

    tenant_parent = "institution"

    class Result(models.TextChoices):
        PASS = "pass", _("Passed")
        BASIC = "basic", _("Basically passed")
        FAIL = "fail", pgettext_lazy("annual review result", "Failed")

    institution = institution_field("annual_reviews")
    year = models.PositiveSmallIntegerField(_("Year"))
    result = models.CharField(_("Result"), max_length=8, choices=Result.choices)
    reviewed_on = models.DateField(_("Review date"), null=True, blank=True)
    notes = models.TextField(_("Notes"), blank=True)

    class Meta:
        verbose_name = _("Annual review")
        verbose_name_plural = _("Annual reviews")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="review_one_per_year"),
        ]

    def __str__(self):
        return f"{self.institution} {self.year}"
