"""The periodic reports (进展情况, seed 002 §四): the text templates a district edits, each
bureau's reporting days, and the archive of reports generated (each one an IssuedDocument)."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.scoping import BureauOwnedModel

# seed 002 §四: progress reported before the 13th and the 27th of each month.
DEFAULT_REPORT_DAYS = [13, 27]


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    CAMPAIGN_SUMMARY = "campaign_summary", _("Campaign summary")
    FINAL = "final", _("Final report of a campaign")


def default_report_days() -> list[int]:
    return list(DEFAULT_REPORT_DAYS)


class ReportTemplate(BureauOwnedModel):
    """A district's own wording of one kind of report: text with {placeholders} filled from
    the data when the report is generated."""

    kind = models.CharField(_("Kind of report"), max_length=20, choices=ReportKind.choices)
    text = models.TextField(_("Text"))
    updated_at = models.DateTimeField(pgettext_lazy("time", "Updated"), auto_now=True)

    class Meta:
        verbose_name = _("Report template")
        verbose_name_plural = _("Report templates")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "kind"], name="reporttemplate_one_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.text[:40]}"


class ReportSchedule(BureauOwnedModel):
    """A district's reporting days of the month (default the 13th and 27th) and the start of
    the period its progress reports cover."""

    days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(28)]),
        verbose_name=_("Reporting days of the month"),
        default=default_report_days,
    )
    period_starts_on = models.DateField(
        _("Period covered from"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the first day of the year."),
    )
    updated_at = models.DateTimeField(pgettext_lazy("time", "Updated"), auto_now=True)

    class Meta:
        verbose_name = _("Reporting schedule")
        verbose_name_plural = _("Reporting schedules")
        constraints = [
            models.UniqueConstraint(fields=["bureau"], name="reportschedule_one_per_bureau")
        ]

    def __str__(self):
        return ", ".join(str(d) for d in self.days)


class PeriodicReport(BureauOwnedModel):
    """One report a district owes on a date: generated once (unique by bureau and key) and
    archived as an issued document, which is append-only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being generated")
        ISSUED = "issued", pgettext_lazy("report", "Issued")

    kind = models.CharField(_("Kind of report"), max_length=20, choices=ReportKind.choices)
    # bureau + kind + period (+ campaign): what makes the report one of a kind.
    key = models.CharField(max_length=120, editable=False)
    campaign_id = models.PositiveBigIntegerField(null=True, blank=True)
    campaign_name = models.CharField(_("Campaign"), max_length=200, blank=True)
    due_on = models.DateField(_("Due"))
    period_starts_on = models.DateField(_("Period from"))
    as_of = models.DateField(_("Figures as of"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    late = models.BooleanField(_("Late"), default=False)
    on_demand = models.BooleanField(_("On demand"), default=False)
    document = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Document"),
    )
    job = models.ForeignKey(
        "documents.DocumentJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("time", "Requested"), auto_now_add=True)
    issued_at = models.DateTimeField(pgettext_lazy("report", "Issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("Periodic report")
        verbose_name_plural = _("Periodic reports")
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "key"], name="periodicreport_unique_key")
        ]
        indexes = [models.Index(fields=["bureau", "kind", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"

    @property
    def issued_document(self):
        """The report's document: issued by the scheduled job, or by its on-demand job."""
        if self.document_id:
            return self.document
        return self.job.document if self.job_id else None
