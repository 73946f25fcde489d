"""Bank statement imports, run as background jobs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel
from core.models import BackgroundJob, recorded_by


class StatementImport(BureauOwnedModel, BackgroundJob):
    """One bank statement file imported: how many lines, how many booked, how many were
    already booked (same bank reference), and the errors by line when it was refused. A
    background job delivered at least once (core.models.BackgroundJob: attempts, progress,
    stalled detection)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Checking lines")
        BOOKING = "booking", _("Booking")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Refused")

    FINISHED = ("done", "refused")

    original_name = models.CharField(_("File"), max_length=200)
    # The upload's name in default storage while a background job imports it.
    file = models.CharField(max_length=300, blank=True)
    state = models.CharField(_("State"), max_length=8, choices=State.choices)
    lines = models.PositiveIntegerField(_("Lines"), default=0)
    checked = models.PositiveIntegerField(_("Lines checked"), default=0)
    inserted = models.PositiveIntegerField(_("Booked"), default=0)
    duplicates = models.PositiveIntegerField(_("Already booked"), default=0)
    # [{"line": 3, "column": "账号", "message": "…"}]; a refusal of the whole file has line 0.
    errors = models.JSONField(_("Errors"), default=list, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("Finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("Statement import")
        verbose_name_plural = _("Statement imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return self.checked * 100 // self.lines if self.lines else 0
