"""Who may see what: users, the bureau tree, streets, partner departments, memberships, and the
audit trail of every write."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureaus.db.compiled import get_by_pk
from bureaus.scoping import BureauOwnedModel, ScopedQuerySet, acting_membership


class UserQuerySet(ScopedQuerySet):
    """Accounts scoped by their home bureau (`User.bureau`), like any bureau-owned row."""


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get(self, *args, **kwargs):
        # `User.objects.get(pk=…)`, as session authentication reads the signed-in user on every
        # request: the statement compiled once per process (bureaus.db.compiled, issue 11).
        if not args and kwargs.keys() == {"pk"}:
            return get_by_pk(self, kwargs["pk"])
        return super().get(*args, **kwargs)


class User(AbstractUser):
    """A person who signs in: bureau staff, inspectors, superiors."""

    objects = ScopedUserManager()

    display_name = models.CharField(_("Name"), max_length=50, blank=True)
    # The district whose system administrator keeps this account; memberships are granted only
    # in it, and a username of another bureau is indistinguishable from one that does not exist.
    bureau = models.ForeignKey(
        "Bureau",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Bureau"),
    )
    # 等保: administrators change their password every PASSWORD_MAX_AGE_DAYS_ADMIN days.
    password_changed_at = models.DateTimeField(_("Password changed"), null=True, blank=True)
    # Sessions begun before this instant are ended (an administrator's "end sessions").
    sessions_ended_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("User")

    def __str__(self):
        return self.display_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class BureauQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The acting bureau and the bureaus below it."""
        membership = acting_membership(user)
        if membership is None:
            return self.none()
        return self.filter(path__startswith=membership.bureau.path)

    def editable_by(self, user):
        """The bureau tree is kept by system administrators, not by bureau users."""
        return self.none()


class Bureau(models.Model):
    """An education bureau: province (省教育厅) → city (市教育局) → district (区县教育局)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    code = models.CharField(
        _("Division code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{2,12}$", _("A division code is made of digits."))],
    )
    name = models.CharField(_("Name"), max_length=100)
    level = models.CharField(_("Level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Materialized path of division codes, e.g. /33/3301/330106/: a subtree is one prefix match.
    path = models.CharField(max_length=255, unique=True, editable=False)

    objects = BureauQuerySet.as_manager()

    _PARENT_LEVEL = {Level.CITY: Level.PROVINCE, Level.DISTRICT: Level.CITY}

    class Meta:
        verbose_name = _("Bureau")
        verbose_name_plural = _("Bureau")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="bureau_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent_id else '/'}{self.code}/"
        super().save(*args, **kwargs)

    def clean(self):
        expected = self._PARENT_LEVEL.get(self.level)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("A province bureau has no parent.")})
        if expected is not None and (self.parent is None or self.parent.level != expected):
            raise ValidationError({"parent": _("The parent bureau is at the wrong level.")})

    @property
    def is_district(self):
        return self.level == self.Level.DISTRICT

    def subtree_ids(self) -> list[int]:
        """Ids of this bureau and every bureau below it (cached on the instance)."""
        if not hasattr(self, "_subtree_ids"):
            if self.is_district:
                self._subtree_ids = [self.pk]
                self._subtree_districts = []
            else:
                # The districts' names come with the ids: a superior's list page shows them as
                # its district filter, without a query of its own (issue 11).
                rows = list(
                    Bureau.objects.filter(path__startswith=self.path).values_list(
                        "id", "level", "name"
                    )
                )
                self._subtree_ids = [pk for pk, _level, _name in rows]
                self._subtree_districts = [
                    (pk, name) for pk, level, name in rows if level == self.Level.DISTRICT
                ]
        return self._subtree_ids

    def subtree_districts(self) -> list[tuple[int, str]]:
        """(id, name) of the districts below this bureau in path order, read with
        subtree_ids(); empty for a district."""
        if not hasattr(self, "_subtree_districts"):
            self.__dict__.pop("_subtree_ids", None)
            self.subtree_ids()
        return self._subtree_districts

    def is_within(self, other: "Bureau") -> bool:
        return self.path.startswith(other.path)


class NamedInDistrict:
    """A district's row whose name is unique in the district (a constraint on bureau and name):
    the one check the page's form and the API's serializer make before saving, with the row's
    own message, since neither edits `bureau` and so neither validates that constraint."""

    name_taken = ""

    @classmethod
    def name_error(cls, rows, name, instance=None) -> str | None:
        """`name_taken` if `rows` (the district's rows of this model) hold `name`, apart from
        `instance` itself; else None."""
        if instance is not None and instance.pk:
            rows = rows.exclude(pk=instance.pk)
        return cls.name_taken if rows.filter(name=name).exists() else None


class Street(NamedInDistrict, BureauOwnedModel):
    """A 乡镇/街道 inside a district: a zone for responsibility areas and statistics."""

    name_taken = _("This district already has a street with this name.")
    name = models.CharField(_("Name"), max_length=100)
    code = models.CharField(_("Code"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("Street")
        verbose_name_plural = _("Street")
        ordering = ["bureau_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="street_unique_name"),
        ]

    def __str__(self):
        return self.name


class Department(NamedInDistrict, BureauOwnedModel):
    """A partner department of a district for joint inspections (联合检查)."""

    name_taken = _("This district already has a partner department with this name.")

    class Kind(models.TextChoices):
        EDUCATION = "education", _("Education")
        MARKET = "market", _("Market regulation")
        FIRE = "fire", _("Fire")
        POLICE = "police", _("Police")
        CULTURE = "culture", _("Culture and tourism")
        SPORTS = "sports", _("Sports")
        SCIENCE = "science", _("Science and technology")
        CIVIL = "civil", _("Civil affairs")
        HR = "hr", _("Human resources")
        HEALTH = "health", _("Health")
        URBAN = "urban", _("Urban management")
        STREET = "street", _("Street office")

    kind = models.CharField(_("Kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=100)

    class Meta:
        verbose_name = _("Partner department")
        verbose_name_plural = _("Partner department")
        ordering = ["bureau_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="department_unique_name"),
        ]

    def __str__(self):
        return self.name


class Membership(BureauOwnedModel):
    """A user's role in one bureau; a user may hold several and chooses which to act through."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("System administrator")
        OFFICER = "officer", _("Officer")
        INSPECTOR = "inspector", _("Inspector")
        AUDITOR = "auditor", _("Auditor")
        SUPERVISOR = "supervisor", _("Supervisor")
        SECURITY = "security", _("Security administrator")

    DISTRICT_ROLES = frozenset(
        {Role.ADMIN, Role.OFFICER, Role.INSPECTOR, Role.AUDITOR, Role.SECURITY}
    )
    SUPERIOR_ROLES = frozenset({Role.SUPERVISOR})
    # 三权分立 (等保2.0 level 3): system administrator (admin), security administrator and audit
    # administrator (auditor); one account never holds two of them (membership_one_admin_role).
    ADMIN_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Role"), max_length=12, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("Active"), default=True)

    # Row-level security: a user reads their own memberships before one is chosen (bureaus.rls).
    rls_user_field = "user"

    class Meta:
        verbose_name = _("Membership")
        verbose_name_plural = _("Membership")
        ordering = ["user_id", "bureau_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "bureau"], name="membership_unique_bureau"),
            # 三权分立: two memberships of one user (in any bureaus) never carry two different
            # administrator roles.
            ExclusionConstraint(
                name="membership_one_admin_role",
                expressions=[("user", RangeOperators.EQUAL), ("role", RangeOperators.NOT_EQUAL)],
                condition=models.Q(role__in=["admin", "security", "auditor"]),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.bureau} · {self.get_role_display()}"

    def clean(self):
        if not self.bureau_id:
            return
        allowed = self.DISTRICT_ROLES if self.bureau.is_district else self.SUPERIOR_ROLES
        if self.role not in allowed:
            raise ValidationError(
                {"role": _("This role does not apply to a bureau at this level.")}
            )
        if self.role in self.ADMIN_ROLES and self.user_id:
            others = Membership.objects.filter(
                user_id=self.user_id, role__in=self.ADMIN_ROLES
            ).exclude(role=self.role)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {"role": _("This person already holds another administrator role.")}
                )


class AuditEvent(models.Model):
    """One write to a bureau-owned record: who, when, where from, and what changed.

    Append-only: a database trigger refuses UPDATE and DELETE of these rows for every role.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        VIEW_SENSITIVE = "reveal", _("Revealed personal data")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_fail", _("Sign-in failed")
        LOCKED_OUT = "locked", _("Locked out")
        SESSIONS_ENDED = "sessions", _("Sessions ended")

    at = models.DateTimeField(_("Time"), auto_now_add=True, db_index=True)
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_repr = models.CharField(_("Actor"), max_length=150)
    action = models.CharField(_("Action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("Record type"), max_length=100)
    object_id = models.CharField(_("Record id"), max_length=64)
    object_repr = models.CharField(_("Record"), max_length=200)
    changes = models.JSONField(_("Changes"), default=dict)
    request_id = models.CharField(_("Request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("Address"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit event")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["bureau", "-at"], name="audit_bureau_at"),
            models.Index(fields=["model", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"


class AuditSeal(models.Model):
    """A day's audit rows sealed with a digest, so later tampering (even by a database
    superuser who can bypass triggers) is detected by re-computing it."""

    day = models.DateField(unique=True)
    row_count = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    intact = models.BooleanField(default=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.row_count} {self.digest[:12]}"
