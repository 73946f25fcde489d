"""The institution itself (校外培训机构) and how it is found (pinyin initials, bigrams)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pypinyin import lazy_pinyin

from bureaus.crypto import EncryptedTextField, mask_phone
from bureaus.models import Department
from bureaus.scoping import BureauOwnedModel
from institutions import rules


def search_bigrams(name: str, initials: str) -> list[str]:
    """Every two-character piece of the name (upper case) and of its initials (lower case):
    a two-character search (钢琴, xh) is an indexed array lookup, which trigrams cannot do."""
    compact = "".join(name.split()).upper()
    pieces = {compact[i : i + 2] for i in range(len(compact) - 1)}
    pieces |= {initials[i : i + 2] for i in range(len(initials) - 1)}
    return sorted(pieces)


def street_field():
    """The street (街道) of the record's district where it is, if known: an institution's
    registered address or one of its teaching sites (the services check the district)."""
    return models.ForeignKey(
        "bureaus.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Street"),
    )


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
        CLOSED = "closed", pgettext_lazy("institution status", "Closed")

    class OrganizationForm(models.TextChoices):
        COMPANY = "company", _("Company")
        PRIVATE_NON_ENTERPRISE = "pne", _("Private non-enterprise unit")
        OTHER = "other", _("Other")

    class Profit(models.TextChoices):
        FOR_PROFIT = "for_profit", _("For-profit")
        NON_PROFIT = "non_profit", _("Non-profit")

    class Delivery(models.TextChoices):
        OFFLINE = "offline", _("Offline")
        ONLINE = "online", _("Online")

    # seed 003 §11: each category is managed by its competent department (one enum with the
    # partner departments of joint inspections): 学科类→教育, 文化艺术→文旅, 体育→体育,
    # 科技→科技, 职业技能→人社.
    DEPARTMENT_FOR_CATEGORY = {
        Category.ACADEMIC: Department.Kind.EDUCATION,
        Category.ARTS: Department.Kind.CULTURE,
        Category.SPORTS: Department.Kind.SPORTS,
        Category.SCIENCE: Department.Kind.SCIENCE,
        Category.VOCATIONAL: Department.Kind.HR,
        Category.CARE: Department.Kind.EDUCATION,
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
        _("Competent department"), max_length=12, choices=Department.Kind.choices, blank=True
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
    street = street_field()
    address = models.CharField(_("Address"), max_length=300, blank=True)
    contact_name = models.CharField(_("Contact person"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("Contact phone"), blank=True)
    # Rule warnings (rules.py) kept current by every service that changes what they read.
    warning_codes = ArrayField(
        models.CharField(max_length=64), default=list, blank=True, verbose_name=_("Rule warnings")
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
                # One message whatever the path (form, API, import).
                violation_error_message=rules.CREDIT_CODE_TAKEN,
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
