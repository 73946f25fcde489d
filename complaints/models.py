"""Public tip-offs (举报): complaints from the public and other channels, their timeline,
deadlines in working days, supervision orders from superiors, rewards and refund disputes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.crypto import EncryptedTextField
from bureaus.scoping import BureauOwnedModel
from core.models import Deadline, recorded_by

# seed 004 永川: the reporter is told the outcome within 10 days of receipt.
DEFAULT_REPLY_DAYS = 10
# seed 004 永川: the reward is claimed within 20 working days of the reward notice.
DEFAULT_CLAIM_DAYS = 20
# seed 004 永川: rewards of 200 to 2000 yuan (in fen).
REWARD_MIN_FEN = 200_00
REWARD_MAX_FEN = 2000_00


class ComplaintPolicy(BureauOwnedModel):
    """A district's deadlines for tip-offs, in working days."""

    reply_days = models.PositiveSmallIntegerField(
        _("Reply within (working days)"),
        default=DEFAULT_REPLY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    claim_days = models.PositiveSmallIntegerField(
        _("Reward claim window (working days)"),
        default=DEFAULT_CLAIM_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name = _("Tip-off policy")
        verbose_name_plural = _("Tip-off policies")
        constraints = [models.UniqueConstraint(fields=["bureau"], name="complaint_policy_bureau")]

    def __str__(self):
        return str(self.bureau)


class Complaint(BureauOwnedModel, Deadline):
    """A tip-off (举报) about an institution, from the public or entered by staff."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("Telephone")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit in person")
        HOTLINE = "hotline", _("12345 hotline")
        REFERRAL = "referral", _("Referred by a superior")

    class Category(models.TextChoices):
        UNLICENSED = "unlicensed", _("Operating without a licence")
        ACADEMIC = "academic", _("Academic training in violation / disguised")
        AHEAD = "ahead", _("Beyond-syllabus or ahead-of-schedule training")
        FEES = "fees", _("Fees or refunds")
        TEACHER = "teacher", _("Paid tutoring by in-service teachers")
        SAFETY = "safety", _("Safety hazard")
        ADVERTISING = "advertising", _("Illegal advertising")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        ASSIGNED = "assigned", _("Assigned")
        INVESTIGATING = "investigating", _("Under investigation")
        CONCLUDED = "concluded", pgettext_lazy("tip-off status", "Concluded")
        CLOSED = "closed", pgettext_lazy("tip-off status", "Closed")
        REJECTED = "rejected", _("Rejected (out of scope)")
        MERGED = "merged", _("Merged as a duplicate")

    OPEN_STATUSES = ("received", "accepted", "assigned", "investigating")
    FINISHED_STATUSES = ("concluded", "closed", "rejected", "merged")

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("Substantiated")
        UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
        FALSE_REPORT = "false_report", _("False report")

    tracking_code = models.CharField(_("Tracking code"), max_length=16, unique=True)
    # SHA-256 of the reporter's tracking secret; the secret itself is shown once and not kept.
    secret_hash = models.CharField(max_length=64, blank=True)
    channel = models.CharField(_("Channel"), max_length=10, choices=Channel.choices)
    external_ref = models.CharField(_("Work-order number"), max_length=50, blank=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Institution"),
    )
    institution_name = models.CharField(_("Institution name"), max_length=200)
    institution_address = models.CharField(_("Address"), max_length=300, blank=True)
    category = models.CharField(_("Category"), max_length=12, choices=Category.choices)
    description = models.TextField(_("Description"))
    observed_on = models.DateField(_("Observed on"), null=True, blank=True)
    reporter_name = EncryptedTextField(_("Reporter name"), blank=True)
    reporter_phone = EncryptedTextField(_("Reporter phone"), blank=True)
    status = models.CharField(
        _("Status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    outcome = models.CharField(_("Outcome"), max_length=16, choices=Outcome.choices, blank=True)
    public_reply = models.TextField(_("Public reply"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Handler"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("Duplicate of"),
    )
    received_at = models.DateTimeField(_("Received"))
    due_on = models.DateField(_("Reply due"))
    concluded_at = models.DateTimeField(
        pgettext_lazy("tip-off time", "Concluded"), null=True, blank=True
    )
    closed_at = models.DateTimeField(pgettext_lazy("tip-off time", "Closed"), null=True, blank=True)

    audit_redact = frozenset({"reporter_name", "reporter_phone", "secret_hash"})

    class Meta:
        verbose_name = _("Tip-off")
        verbose_name_plural = _("Tip-offs")
        ordering = ["due_on", "id"]
        indexes = [
            # The inbox: a district's complaints by status, oldest due first.
            models.Index(fields=["bureau", "status", "due_on", "id"], name="complaint_inbox"),
            # The inbox as first opened (no status filter), in its order: a district's, and a
            # city's or province's (bureau_id IN …, read in order and filtered).
            models.Index(fields=["bureau", "due_on", "id"], name="complaint_inbox_order"),
            models.Index(fields=["due_on", "id"], name="complaint_inbox_wide_order"),
            # A status filter over a city's or province's districts (bureau_id IN …), read in
            # the inbox order: without it the page sorted every matching row (issue 11).
            models.Index(fields=["status", "due_on", "id"], name="complaint_status_order"),
            models.Index(fields=["bureau", "institution"], name="complaint_institution"),
            # The duplicate hint's window: a district's open tip-offs, latest received first.
            models.Index(
                fields=["bureau", "-received_at"],
                name="complaint_open_recent",
                condition=Q(status__in=("received", "accepted", "assigned", "investigating")),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "channel", "external_ref"],
                condition=~Q(external_ref=""),
                name="complaint_unique_work_order",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status__in=["concluded", "closed"]),
                name="complaint_outcome_only_when_concluded",
            ),
        ]

    def __str__(self):
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_named(self) -> bool:
        """The reporter left a name and phone (needed for a reward)."""
        return bool(self.reporter_name and self.reporter_phone)

    @classmethod
    def owed_q(cls) -> Q:
        return Q(status__in=cls.OPEN_STATUSES)

    def is_owed(self) -> bool:
        return self.is_open


class ComplaintEvent(BureauOwnedModel):
    """One step on a complaint's timeline (received, triaged, assigned, a note, concluded…)."""

    tenant_parent = "complaint"

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged as a duplicate")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Investigation note")
        INSTITUTION = "institution", _("Institution linked")
        CONCLUDED = "concluded", pgettext_lazy("tip-off status", "Concluded")
        CLOSED = "closed", pgettext_lazy("tip-off status", "Closed")
        OVERDUE = "overdue", _("Overdue")
        REWARD = "reward", _("Reward")
        REFUND = "refund", _("Refund dispute")
        SUPERVISION = "supervision", _("Supervision order")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("Kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("Time"), default=timezone.now)
    actor = recorded_by(on_delete=models.PROTECT)
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)
    note = models.TextField(_("Note"), blank=True)

    class Meta:
        verbose_name = _("Tip-off event")
        verbose_name_plural = _("Tip-off events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


def _attachment_path(instance, filename):
    # A random name: the reporter's file name may identify them.
    return f"complaints/{instance.bureau_id}/{filename}"


class ComplaintAttachment(BureauOwnedModel):
    """A photo or PDF attached by the reporter or by staff; images are re-encoded without EXIF."""

    tenant_parent = "complaint"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("File"), upload_to=_attachment_path)
    content_type = models.CharField(_("Type"), max_length=50)
    size = models.PositiveIntegerField(_("Size"))
    from_reporter = models.BooleanField(_("From the reporter"), default=False)
    uploaded_at = models.DateTimeField(_("Uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("Attachment")
        verbose_name_plural = _("Attachments")
        ordering = ["id"]

    def __str__(self):
        return f"{self.complaint_id}/{self.pk}"


class SupervisionOrder(BureauOwnedModel, Deadline):
    """A supervision order (督办单) from a city or province bureau to a district.

    The row is owned by the target district (`bureau`) so the district reads and answers it
    through the ordinary scoping, and superiors read it through their subtree; `issued_by` is
    the superior bureau that wrote it (seed 001 篇1: "市教育局下达的3起…督办单")."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting answer")
        ANSWERED = "answered", _("Answered")

    number = models.CharField(_("Number"), max_length=30, unique=True)
    issued_by = models.ForeignKey(
        "bureaus.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("Issued by")
    )
    issued_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_orders",
        verbose_name=_("Tip-off"),
    )
    subject = models.CharField(_("Subject"), max_length=200)
    instructions = models.TextField(_("Instructions"))
    issued_at = models.DateTimeField(pgettext_lazy("issued at", "Issued"), auto_now_add=True)
    due_on = models.DateField(_("Answer due"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("Answer"), blank=True)
    answered_at = models.DateTimeField(
        pgettext_lazy("answered at", "Answered"), null=True, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Supervision order")
        verbose_name_plural = _("Supervision orders")
        ordering = ["status", "due_on", "id"]

    def __str__(self):
        return self.number

    @classmethod
    def owed_q(cls) -> Q:
        return Q(status=cls.Status.OPEN)

    def is_owed(self) -> bool:
        return self.status == self.Status.OPEN


class Reward(BureauOwnedModel):
    """A reward for a substantiated, named, first tip-off (有奖举报, seed 004 永川)."""

    tenant_parent = "complaint"

    class Status(models.TextChoices):
        DECIDED = "decided", _("Decided, reporter not yet told")
        NOTIFIED = "notified", _("Reporter told, awaiting claim")
        CLAIMED = "claimed", _("Claimed")
        EXPIRED = "expired", _("Expired")

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="reward")
    amount_fen = models.PositiveIntegerField(
        _("Amount (fen)"),
        validators=[MinValueValidator(REWARD_MIN_FEN), MaxValueValidator(REWARD_MAX_FEN)],
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DECIDED
    )
    decided_at = models.DateTimeField(_("Decided"), auto_now_add=True)
    notify_by = models.DateField(_("Tell the reporter by"))
    notified_on = models.DateField(_("Reporter told on"), null=True, blank=True)
    claim_by = models.DateField(_("Claim by"), null=True, blank=True)
    claimed_on = models.DateField(_("Claimed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Reward")
        verbose_name_plural = _("Rewards")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gte=REWARD_MIN_FEN) & Q(amount_fen__lte=REWARD_MAX_FEN),
                name="reward_amount_range",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.amount_fen}"


class RefundDispute(BureauOwnedModel):
    """A refund dispute (退费纠纷) arising from a tip-off: students and money involved
    (seed 004 永川: "38件…涉及学生370余人480余万元")."""

    tenant_parent = "complaint"

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("refund dispute status", "Open")
        RESOLVED = "resolved", pgettext_lazy("refund dispute status", "Resolved")

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="refund_dispute"
    )
    students = models.PositiveIntegerField(_("Students involved"))
    amount_disputed_fen = models.PositiveBigIntegerField(_("Amount in dispute (fen)"))
    amount_recovered_fen = models.PositiveBigIntegerField(_("Amount recovered (fen)"), default=0)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Refund dispute")
        verbose_name_plural = _("Refund disputes")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return f"{self.complaint_id}"
