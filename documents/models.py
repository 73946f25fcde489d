"""Official documents (公文): the append-only registry of issued PDFs, the jobs that render
them, each bureau's seal (印章) and signing key, and the platform CA that certifies the keys."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.crypto import EncryptedTextField
from bureaus.scoping import BureauOwnedModel


def new_token() -> str:
    """An unguessable verification token: 192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


class IssuedDocument(BureauOwnedModel):
    """One issued document (发文): numbered, sealed, signed, never edited.

    A correction is a new document whose `supersedes` names the old one; the old row stays as
    it was (a database trigger refuses UPDATE and DELETE), and its verification says so."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        RECTIFICATION_NOTICE = "rectification_notice", _("Rectification notice")
        LIST = "list", _("Published list")
        INSTITUTION_SHEET = "institution_sheet", _("Institution information sheet")
        PROGRESS_REPORT = "progress_report", _("Progress report")
        SUMMARY = "summary", pgettext_lazy("document kind", "Summary")

    kind = models.CharField(_("Kind"), max_length=30, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("Year"))
    serial = models.PositiveIntegerField(_("Serial"))
    number = models.CharField(_("Document number"), max_length=60)
    title = models.CharField(_("Title"), max_length=200)
    recipient = models.CharField(_("Addressed to"), max_length=200, blank=True)
    # What the document is about: a series name ("institutions.black_list") and, when it renders
    # one record, a link to it (documents sits below the domain apps, so the link is generic).
    topic = models.CharField(_("Topic"), max_length=60, blank=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField(_("Issued at"))
    issued_on = models.DateField(_("Date of issue"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("document signer", "Issued by"),
    )
    file = models.FileField(_("File"), upload_to="documents/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    pages = models.PositiveIntegerField(_("Pages"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Published lists may be downloaded by anyone from the verification page; others may not.
    public = models.BooleanField(_("Public"), default=False)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("Supersedes"),
    )
    idempotency_key = models.CharField(max_length=120)
    signer_fingerprint = models.CharField(_("Signing certificate (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("Issued document")
        verbose_name_plural = _("Issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "year", "serial"], name="issueddocument_unique_number"
            ),
            models.UniqueConstraint(
                fields=["bureau", "idempotency_key"], name="issueddocument_unique_key"
            ),
        ]
        indexes = [models.Index(fields=["bureau", "kind", "year"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An issued document is never edited: issue one that supersedes it.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An issued document is never deleted.")


class DocumentJob(BureauOwnedModel):
    """A request to render and issue one document in the background (Celery), with progress.

    The idempotency key is the issued document's: however often the job runs, one document."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        DONE = "done", pgettext_lazy("document status", "Issued")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("Kind"), max_length=30, choices=IssuedDocument.Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    template = models.CharField(max_length=200)
    context = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=120)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("Requested by"),
    )
    requested_at = models.DateTimeField(_("Requested at"), auto_now_add=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("Progress"), default=0)
    error = models.CharField(_("Error"), max_length=500, blank=True)
    document = models.OneToOneField(
        IssuedDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="job"
    )

    class Meta:
        verbose_name = _("Document job")
        verbose_name_plural = _("Document jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "idempotency_key"], name="documentjob_unique_key"
            ),
        ]

    def __str__(self):
        return self.title


class Seal(BureauOwnedModel):
    """A bureau's uploaded seal image (PNG with transparency or JPEG, re-encoded on upload).

    Without one, documents carry a round red seal drawn from the bureau's name."""

    image = models.FileField(_("Seal image"), upload_to="seals/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("Uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Seal")
        verbose_name_plural = _("Seals")
        constraints = [models.UniqueConstraint(fields=["bureau"], name="seal_one_per_bureau")]

    def __str__(self):
        return str(self.image)


class SigningKey(BureauOwnedModel):
    """A bureau's signing key and certificate (PAdES); the key is encrypted at rest.

    Created on first use, certified by the platform CA; a bureau may install one issued by its
    real CA instead (`manage.py documents_install_key`). The newest active one signs."""

    class Source(models.TextChoices):
        PLATFORM = "platform", _("Platform CA")
        INSTALLED = "installed", _("Installed")

    certificate_pem = models.TextField()
    chain_pem = models.TextField(blank=True)
    private_key_pem = EncryptedTextField()
    fingerprint = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_redact = frozenset({"private_key_pem"})

    class Meta:
        verbose_name = _("Signing key")
        verbose_name_plural = _("Signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau"],
                condition=models.Q(active=True),
                name="signingkey_one_active_per_bureau",
            ),
        ]

    def __str__(self):
        return self.fingerprint[:16]


class PlatformAuthority(models.Model):
    """The platform's own CA (one row): certifies bureau keys created on first use."""

    certificate_pem = models.TextField()
    private_key_pem = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Platform CA")
        verbose_name_plural = _("Platform CA")

    def __str__(self):
        return "Jianguan platform CA"
