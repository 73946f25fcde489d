"""The registry (底数台账): off-campus training institutions and what is on file about them."""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from bureaus.crypto import EncryptedTextField, blind_index, mask_id_number, mask_name, mask_phone
from bureaus.scoping import BureauOwnedModel

# Credentials expiring within this many days are flagged (issue 3: a periodic job flags them).
EXPIRY_WARNING_DAYS = 60


def search_bigrams(name: str, initials: str) -> list[str]:
    """Every two-character piece of the name (upper case) and of its initials (lower case):
    a two-character search (钢琴, xh) is an indexed array lookup, which trigrams cannot do."""
    compact = "".join(name.split()).upper()
    pieces = {compact[i : i + 2] for i in range(len(compact) - 1)}
    pieces |= {initials[i : i + 2] for i in range(len(initials) - 1)}
    return sorted(pieces)


def pinyin_initials(name: str) -> str:
    """西湖英语培训学校 → "xhyypxxx": what people type to find an institution quickly."""
    # The plain style (first letter taken here) is twice as fast as Style.FIRST_LETTER and
    # gives the same letters; pypinyin still picks readings by phrase (音乐 → yy).
    return "".join(s[0] for s in lazy_pinyin(name, errors="ignore") if s).lower()[:100]


class Institution(BureauOwnedModel):
    """An off-campus training institution (校外培训机构) registered with a district bureau."""

    class Category(models.TextChoices):
        ACADEMIC = "academic", _("Academic (学科类)")
        ARTS = "arts", _("Culture and arts")
        SPORTS = "sports", _("Sports")
        SCIENCE = "science", _("Science and technology")
        VOCATIONAL = "vocational", _("Vocational skills")
        CARE = "care", _("After-school care")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        NORMAL = "normal", _("Operating")
        SUSPENDED = "suspended", _("Suspended for rectification")
        BANNED = "banned", _("Banned")
        DEREGISTERED = "deregistered", _("Deregistered")
        CLOSED = "closed", _("Closed")

    class OrganizationForm(models.TextChoices):
        COMPANY = "company", _("Company")
        PRIVATE_NON_ENTERPRISE = "pne", _("Private non-enterprise unit")
        OTHER = "other", _("Other")

    class Department(models.TextChoices):
        # seed 003 §11: each category is managed by its competent department.
        EDUCATION = "education", _("Education")
        CULTURE = "culture", _("Culture and tourism")
        SPORTS = "sports", _("Sports")
        SCIENCE = "science", _("Science and technology")
        HR = "hr", _("Human resources and social security")

    class Profit(models.TextChoices):
        FOR_PROFIT = "for_profit", _("For-profit")
        NON_PROFIT = "non_profit", _("Non-profit")

    class Delivery(models.TextChoices):
        OFFLINE = "offline", _("Offline")
        ONLINE = "online", _("Online")

    # seed 003 §11: 学科类→教育, 文化艺术→文旅, 体育→体育, 科技→科技, 职业技能→人社.
    DEPARTMENT_FOR_CATEGORY = {
        Category.ACADEMIC: Department.EDUCATION,
        Category.ARTS: Department.CULTURE,
        Category.SPORTS: Department.SPORTS,
        Category.SCIENCE: Department.SCIENCE,
        Category.VOCATIONAL: Department.HR,
        Category.CARE: Department.EDUCATION,
    }

    name = models.CharField(_("Name"), max_length=200)
    name_initials = models.CharField(_("Pinyin initials"), max_length=100, blank=True)
    search_bigrams = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    credit_code = models.CharField(_("Unified social credit code"), max_length=18, blank=True)
    organization_form = models.CharField(
        _("Organization form"),
        max_length=8,
        choices=OrganizationForm.choices,
        default=OrganizationForm.COMPANY,
    )
    category = models.CharField(_("Category"), max_length=12, choices=Category.choices)
    department = models.CharField(
        _("Competent department"), max_length=12, choices=Department.choices, blank=True
    )
    profit = models.CharField(
        _("Profit type"), max_length=12, choices=Profit.choices, default=Profit.FOR_PROFIT
    )
    delivery = models.CharField(
        _("Delivery"), max_length=8, choices=Delivery.choices, default=Delivery.OFFLINE
    )
    audience_preschool = models.BooleanField(_("Pre-school children"), default=False)
    audience_compulsory = models.BooleanField(_("Compulsory-education pupils"), default=False)
    audience_highschool = models.BooleanField(_("High-school students"), default=False)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PREPARING
    )
    street = models.ForeignKey(
        "bureaus.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Street"),
    )
    address = models.CharField(_("Address"), max_length=300, blank=True)
    contact_name = models.CharField(_("Contact person"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("Contact phone"), blank=True)
    # Rule warnings (rules.py) kept current by every service that changes what they read.
    warning_codes = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, verbose_name=_("Rule warnings")
    )
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)

    audit_redact = frozenset({"contact_phone"})

    class Meta:
        verbose_name = _("Institution")
        verbose_name_plural = _("Institutions")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="institution_unique_credit_code",
            ),
        ]
        indexes = [
            # Search is `UPPER(name) LIKE UPPER('%…%')` (icontains): index that expression.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="institution_name_trgm"),
            GinIndex(
                name="institution_initials_trgm",
                fields=["name_initials"],
                opclasses=["gin_trgm_ops"],
            ),
            GinIndex(name="institution_bigrams", fields=["search_bigrams"]),
            models.Index(fields=["bureau", "status"], name="institution_bureau_status"),
            # The list's order (name, id), for a district and for a city/province scope.
            models.Index(fields=["bureau", "name", "id"], name="institution_bureau_order"),
            models.Index(fields=["name", "id"], name="institution_order"),
        ]

    def __str__(self):
        return self.name

    def refresh_derived(self):
        """Fields computed from others: pinyin initials, the default competent department."""
        self.name_initials = pinyin_initials(self.name)
        self.search_bigrams = search_bigrams(self.name, self.name_initials)
        if not self.department and self.category:
            self.department = self.DEPARTMENT_FOR_CATEGORY.get(self.category, "")

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def is_academic(self) -> bool:
        return self.category == self.Category.ACADEMIC

    @property
    def audience_labels(self) -> list:
        labels = []
        if self.audience_preschool:
            labels.append(_("Pre-school"))
        if self.audience_compulsory:
            labels.append(_("Compulsory education"))
        if self.audience_highschool:
            labels.append(_("High school"))
        return labels

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_held(self) -> bool:
        """Suspended or banned: no new intake, flagged on the public page (DESIGN §3)."""
        return self.status in (self.Status.SUSPENDED, self.Status.BANNED)


class Credential(BureauOwnedModel):
    """A licence on file: 办学许可证, 营业执照 or 民办非企业单位登记证书 (seed 000 §八)."""

    class Kind(models.TextChoices):
        SCHOOL_LICENCE = "school_licence", _("School-running licence")
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        PNE_CERTIFICATE = "pne_certificate", _("Private non-enterprise registration certificate")

    class Expiry(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRING = "expiring", _("Expiring within 60 days")
        EXPIRED = "expired", _("Expired")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="credentials",
        verbose_name=_("Institution"),
    )
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

    class Fire(models.TextChoices):
        NONE = "none", _("Not on file")
        ACCEPTANCE = "acceptance", _("Fire acceptance (消防验收)")
        FILING = "filing", _("Fire filing (消防备案)")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="sites", verbose_name=_("Institution")
    )
    address = models.CharField(_("Address"), max_length=300)
    street = models.ForeignKey(
        "bureaus.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Street"),
    )
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

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="staff", verbose_name=_("Institution")
    )
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
        verbose_name_plural = _("Staff")
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

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("Institution"),
    )
    from_status = models.CharField(_("From"), max_length=12, choices=Institution.Status.choices)
    to_status = models.CharField(_("To"), max_length=12, choices=Institution.Status.choices)
    reason = models.TextField(_("Reason"))
    decided_on = models.DateField(_("Decision date"), default=timezone.localdate)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("By"),
    )
    at = models.DateTimeField(_("Recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("Status change")
        verbose_name_plural = _("Status changes")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.institution} {self.from_status}→{self.to_status}"


class ListEntry(BureauOwnedModel):
    """A white-list or black-list entry (白名单/黑名单): decided, then published, maybe lifted."""

    class Kind(models.TextChoices):
        WHITE = "white", _("White list")
        BLACK = "black", _("Black list")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="list_entries",
        verbose_name=_("Institution"),
    )
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

    class Result(models.TextChoices):
        PASS = "pass", _("Passed")
        BASIC = "basic", _("Basically passed")
        FAIL = "fail", _("Failed")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="annual_reviews",
        verbose_name=_("Institution"),
    )
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


class ImportJob(BureauOwnedModel):
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
    message = models.TextField(_("Message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("By"),
    )
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
