"""Records of the shared mechanisms: document-number counters, the working-day calendar,
notifications, the abstract deadline and the abstract background job."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel


def recorded_by(*, on_delete=models.SET_NULL):
    """The account that recorded a row ("By"); optional, never reached back from the account.
    A history keeps its rows when the account goes (SET_NULL) unless the caller protects it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("By"),
    )


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


class CalendarDay(models.Model):
    """One day of the national calendar: a working day or not (holidays and 调休 make-up days).

    Platform-wide, not owned by a bureau. Seeded from the `chinesecalendar` package and edited
    in the app (/calendar/) when the State Council publishes next year's schedule; a day
    without a row is reckoned by core.workdays (Monday–Friday for the bureau, in the citizen's
    favour for a deadline owed to a citizen)."""

    date = models.DateField(_("Date"), primary_key=True)
    is_working_day = models.BooleanField(_("Working day"))
    note = models.CharField(_("Note"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("Calendar day")
        verbose_name_plural = _("Calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


class Notification(BureauOwnedModel):
    """An in-app message to one user (an overdue tip-off, order or notice); no personal data
    in the text. Written only through core.notifications.notify, once per (user, key)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("Message"), max_length=300)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Makes periodic jobs idempotent: one notification per (user, key).
    key = models.CharField(max_length=100)

    # Row-level security: a user reads and marks their own notifications whichever bureau they
    # act for (bureaus.rls).
    rls_user_field = "user"
    rls_user_may_update = True

    class Meta:
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key"),
        ]

    def __str__(self):
        return self.message


class Deadline(models.Model):
    """Something owed by a date: a reply, an answer, a rectification. Subclasses say when it
    is still owed (`owed_q`); core.deadlines.mark_overdue flags the late ones in one statement."""

    due_on = models.DateField(_("Due"))
    overdue_since = models.DateField(_("Overdue since"), null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def owed_q(cls) -> Q:
        """The rows whose deadline still runs (e.g. open statuses)."""
        raise NotImplementedError

    def is_owed(self) -> bool:
        raise NotImplementedError

    def is_overdue_on(self, today) -> bool:
        return self.is_owed() and self.due_on < today


class BackgroundJob(models.Model):
    """A record a Celery job works through (an import, a document, a report), delivered at least
    once: a worker that dies mid-job leaves the task to be delivered again (acks_late,
    docs/deploy.md). The record tells the user which of that is happening
    (`delivery_state`), through core.jobs.job_claim (each delivery) and core.jobs.job_progress
    (each tick). Subclasses say when the work is done (`is_finished`)."""

    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    progress_at = models.DateTimeField(_("Last progress"), null=True, blank=True)

    # No tick for this long while unfinished: the worker died (or the job hangs), and the task
    # waits to be delivered again.
    STALLED_AFTER = dt.timedelta(minutes=5)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        raise NotImplementedError

    def delivery_state(self, now=None) -> str:
        """queued · running · retrying (delivered again after an interruption) · interrupted
        (no progress for STALLED_AFTER: waiting to be delivered again) · finished."""
        if self.is_finished:
            return "finished"
        if not self.attempts:
            return "queued"
        now = now or timezone.now()
        if self.progress_at and now - self.progress_at > self.STALLED_AFTER:
            return "interrupted"
        return "retrying" if self.attempts > 1 else "running"


class SavedFilter(BureauOwnedModel):
    """A user's named filter set on one list (core.tables.TableListMixin): the list's query
    string, re-applied from the list's menu. Owned by the bureau the user acted for when saving
    it (district ids in it mean something there) and read only by that user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_key = models.CharField(max_length=40)
    name = models.CharField(_("Name"), max_length=50)
    # Only the parameters the list knew when it was saved; re-checked when it is applied.
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Row-level security: the bureau's policies, and the user reads their own (bureaus.rls).
    rls_user_field = "user"

    class Meta:
        verbose_name = _("Saved filter")
        verbose_name_plural = _("Saved filters")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "bureau", "list_key", "name"], name="savedfilter_unique_name"
            ),
        ]

    def __str__(self):
        return self.name
