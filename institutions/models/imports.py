"""A survey import under way or done."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.scoping import BureauOwnedModel
from core.models import BackgroundJob, recorded_by


class ImportJob(BureauOwnedModel, BackgroundJob):
    """A survey spreadsheet (摸排造册, seed 001 篇1 篇5) being imported in the background."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Checking rows")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused")

    # The upload's name in default storage (a plain path: audit rows hold it as text).
    file = models.CharField(_("File"), max_length=300)
    original_name = models.CharField(_("File name"), max_length=200)
    state = models.CharField(_("State"), max_length=10, choices=State.choices, default="queued")
    total_rows = models.PositiveIntegerField(_("Rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("Rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("Created"), default=0)
    updated_count = models.PositiveIntegerField(_("Updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("Unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("Rows with errors"), default=0)
    errors = models.JSONField(_("Errors"), default=list, blank=True)
    message = models.TextField(pgettext_lazy("import job", "Message"), blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField(_("Uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("Finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))
