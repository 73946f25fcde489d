"""What institutions teach (课程备案): courses, their weekly timetable patterns and sessions,
materials, and the reference data the 双减 rules read (school vacations per city, government
guidance prices per city, rule settings per province with their history)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bureaus.scoping import BureauOwnedModel


# Grades: 0 is pre-school, 1–9 compulsory education (小学 1–6, 初中 7–9), 10–12 high school.
def _grade_label(n: int) -> str:
    return gettext("Grade %(n)s") % {"n": n}


# Labels translated when shown (a lazy label per grade), not when the module is imported.
GRADE_CHOICES = [(0, _("Pre-school")), *[(g, lazy(_grade_label, str)(g)) for g in range(1, 13)]]
COMPULSORY_GRADES = frozenset(range(1, 10))


class Subject(models.TextChoices):
    """What a course teaches. The first nine are 学科类 (the Ministry's classification of
    academic subjects: 道德与法治、语文、历史、地理、数学、外语、物理、化学、生物)."""

    CHINESE = "chinese", _("Chinese (语文)")
    MATHS = "maths", _("Mathematics (数学)")
    FOREIGN_LANGUAGE = "foreign_language", _("Foreign language (外语)")
    PHYSICS = "physics", _("Physics (物理)")
    CHEMISTRY = "chemistry", _("Chemistry (化学)")
    BIOLOGY = "biology", _("Biology (生物)")
    HISTORY = "history", _("History (历史)")
    GEOGRAPHY = "geography", _("Geography (地理)")
    MORALITY_LAW = "morality_law", _("Morality and law (道德与法治)")
    MUSIC = "music", _("Music (音乐)")
    FINE_ARTS = "fine_arts", _("Fine arts (美术)")
    DANCE = "dance", _("Dance (舞蹈)")
    CALLIGRAPHY = "calligraphy", _("Calligraphy (书法)")
    SPORTS = "sports", _("Sports (体育)")
    SCIENCE = "science", _("Science and technology (科技)")
    PROGRAMMING = "programming", _("Programming (编程)")


ACADEMIC_SUBJECTS = frozenset(
    {
        Subject.CHINESE,
        Subject.MATHS,
        Subject.FOREIGN_LANGUAGE,
        Subject.PHYSICS,
        Subject.CHEMISTRY,
        Subject.BIOLOGY,
        Subject.HISTORY,
        Subject.GEOGRAPHY,
        Subject.MORALITY_LAW,
    }
)

# The word a licence's approved scope (审批的办学内容) uses for each subject.
SUBJECT_SCOPE_WORDS = {
    Subject.CHINESE: ("语文",),
    Subject.MATHS: ("数学",),
    Subject.FOREIGN_LANGUAGE: ("外语", "英语"),
    Subject.PHYSICS: ("物理",),
    Subject.CHEMISTRY: ("化学",),
    Subject.BIOLOGY: ("生物",),
    Subject.HISTORY: ("历史",),
    Subject.GEOGRAPHY: ("地理",),
    Subject.MORALITY_LAW: ("道德与法治", "政治"),
    Subject.MUSIC: ("音乐", "文化艺术", "艺术"),
    Subject.FINE_ARTS: ("美术", "文化艺术", "艺术"),
    Subject.DANCE: ("舞蹈", "文化艺术", "艺术"),
    Subject.CALLIGRAPHY: ("书法", "文化艺术", "艺术"),
    Subject.SPORTS: ("体育",),
    Subject.SCIENCE: ("科技",),
    Subject.PROGRAMMING: ("编程", "科技"),
}


class Course(BureauOwnedModel):
    """A course an institution files (课程备案): what, for whom, how, how long and for how
    much; accepted courses and their prices are shown to the public."""

    class Delivery(models.TextChoices):
        OFFLINE = "offline", _("Offline at a site")
        ONLINE_LIVE = "online_live", _("Online live")
        ONLINE_RECORDED = "online_recorded", _("Online recorded")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", pgettext_lazy("course filing", "Accepted")
        RETURNED = "returned", _("Returned")

    ONLINE = (Delivery.ONLINE_LIVE, Delivery.ONLINE_RECORDED)

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Institution"),
    )
    name = models.CharField(_("Course name"), max_length=200)
    subject = models.CharField(
        pgettext_lazy("course subject", "Subject"), max_length=20, choices=Subject.choices
    )
    # From the subject (the Ministry's classification), not typed: an arts institution's
    # maths course is academic all the same.
    is_academic = models.BooleanField(_("Academic (学科类)"), default=False)
    # Grade numbers (GRADE_CHOICES): no choices on the column, whose labels are formatted.
    grades = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("Grades"))
    delivery = models.CharField(_("Delivery"), max_length=16, choices=Delivery.choices)
    site = models.ForeignKey(
        "institutions.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Site"),
    )
    class_size = models.PositiveIntegerField(_("Class size"), default=20)
    class_hours = models.PositiveIntegerField(_("Class hours"))
    lesson_minutes = models.PositiveIntegerField(_("Lesson length (minutes)"))
    break_minutes = models.PositiveIntegerField(_("Break between lessons (minutes)"), default=10)
    price_per_hour_fen = models.BigIntegerField(_("Price per class hour (fen)"))
    # A package sold in one charge (0: none): its price, class hours and months.
    package_price_fen = models.BigIntegerField(_("Package price (fen)"), default=0)
    package_hours = models.PositiveIntegerField(_("Package class hours"), default=0)
    package_months = models.PositiveIntegerField(_("Package months"), default=0)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    return_reasons = models.TextField(_("Reasons for return"), blank=True)
    submitted_at = models.DateTimeField(_("Submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(
        pgettext_lazy("course filing", "Decided"), null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Decided by"),
    )
    # The rules this course breaks as of the last nightly run (rule ids): the staff list filters
    # on it; the institution's warnings are derived from it.
    violations = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, verbose_name=_("Violations")
    )
    created_at = models.DateTimeField(pgettext_lazy("time", "Created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("time", "Updated"), auto_now=True)

    tenant_parent = "institution"

    class Meta:
        verbose_name = _("Course")
        verbose_name_plural = _("Courses")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["bureau", "status"], name="course_bureau_status"),
            models.Index(fields=["institution", "status"], name="course_institution_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_per_hour_fen__gte=0) & Q(package_price_fen__gte=0),
                name="course_prices_not_negative",
            ),
            models.CheckConstraint(condition=Q(lesson_minutes__gt=0), name="course_lesson_pos"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_online(self) -> bool:
        return self.delivery in self.ONLINE

    @property
    def for_compulsory(self) -> bool:
        return bool(COMPULSORY_GRADES.intersection(self.grades or ()))

    @property
    def price_per_hour_yuan(self) -> str:
        return f"{self.price_per_hour_fen / 100:.2f}"

    @property
    def package_price_yuan(self) -> str:
        return f"{self.package_price_fen / 100:.2f}"


class CourseTeacher(BureauOwnedModel):
    """A teacher of a course, from the institution's staff register."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="teachers")
    staff = models.ForeignKey(
        "institutions.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("Teacher")
    )

    tenant_parent = "course"

    class Meta:
        verbose_name = _("Course teacher")
        verbose_name_plural = _("Course teachers")
        constraints = [
            models.UniqueConstraint(fields=["course", "staff"], name="courseteacher_unique")
        ]


class Material(BureauOwnedModel):
    """A teaching material (教材) of a course and whether it has been approved."""

    class Approval(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("course filing", "Rejected")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("Title"), max_length=200)
    publisher = models.CharField(_("Publisher"), max_length=200, blank=True)
    approval = models.CharField(
        _("Approval"), max_length=10, choices=Approval.choices, default=Approval.PENDING
    )

    tenant_parent = "course"

    class Meta:
        verbose_name = _("Material")
        verbose_name_plural = _("Materials")
        ordering = ["id"]


class TimetablePattern(BureauOwnedModel):
    """A weekly pattern of a course's timetable: a weekday, a time and a date range; it is
    expanded into sessions when filed."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="patterns")
    weekday = models.PositiveSmallIntegerField(
        _("Weekday"), choices=[(d, str(d)) for d in range(1, 8)]
    )
    starts_at = models.TimeField(_("Start"))
    ends_at = models.TimeField(_("End"))
    first_day = models.DateField(_("From"))
    last_day = models.DateField(_("Until"))

    tenant_parent = "course"

    class Meta:
        verbose_name = _("Weekly pattern")
        verbose_name_plural = _("Weekly patterns")
        ordering = ["weekday", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")) & Q(last_day__gte=F("first_day")),
                name="timetablepattern_order",
            ),
        ]


class Session(BureauOwnedModel):
    """One session of a course on a date (from a weekly pattern, or a one-off): what the
    nightly rule run scans."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    pattern = models.ForeignKey(
        TimetablePattern,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
    )
    day = models.DateField(_("Date"))
    starts_at = models.TimeField(_("Start"))
    ends_at = models.TimeField(_("End"))

    tenant_parent = "course"

    class Meta:
        verbose_name = _("Session")
        verbose_name_plural = _("Sessions")
        ordering = ["day", "starts_at", "id"]
        indexes = [models.Index(fields=["course", "day"], name="session_course_day")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_order"),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


# Reference data --------------------------------------------------------------------------------
# Published by a city or province and read by every district below it (a district's filing is
# checked against its city's prices), so these are not a district's records: like the
# working-day calendar they carry no row-level security, and their services check that the
# actor acts for the bureau that owns the row.


class SchoolVacation(models.Model):
    """A winter or summer vacation (寒假/暑假) of a city's schools, or the province's default for
    cities that enter none."""

    class Kind(models.TextChoices):
        WINTER = "winter", _("Winter vacation")
        SUMMER = "summer", _("Summer vacation")

    bureau = models.ForeignKey(
        "bureaus.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("Bureau")
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    kind = models.CharField(_("Vacation"), max_length=6, choices=Kind.choices)
    first_day = models.DateField(_("First day"))
    last_day = models.DateField(_("Last day"))

    class Meta:
        verbose_name = _("School vacation")
        verbose_name_plural = _("School vacations")
        ordering = ["bureau", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "year", "kind"], name="vacation_unique"),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="vacation_order"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"


class GuidancePrice(models.Model):
    """A city's government guidance price (政府指导价) per class hour for a subject and grade."""

    bureau = models.ForeignKey(
        "bureaus.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("City")
    )
    subject = models.CharField(
        pgettext_lazy("course subject", "Subject"), max_length=20, choices=Subject.choices
    )
    grade = models.PositiveSmallIntegerField(_("Grade"))
    max_fen_per_hour = models.BigIntegerField(_("Guidance price per class hour (fen)"))

    class Meta:
        verbose_name = _("Guidance price")
        verbose_name_plural = _("Guidance prices")
        ordering = ["bureau", "subject", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "subject", "grade"], name="guidanceprice_unique"
            ),
            models.CheckConstraint(
                condition=Q(max_fen_per_hour__gte=0), name="guidanceprice_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} {self.grade}"


class RuleSetting(models.Model):
    """A province's setting of one rule: switched off, or tightened (a stricter limit)."""

    bureau = models.ForeignKey(
        "bureaus.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("Province")
    )
    rule = models.CharField(_("Rule"), max_length=32)
    enabled = models.BooleanField(_("Enabled"), default=True)
    # In the rule's own unit (minutes of the day, minutes, fen…); None: the national limit.
    limit = models.IntegerField(_("Limit"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rule setting")
        verbose_name_plural = _("Rule settings")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "rule"], name="rulesetting_unique"),
        ]

    def __str__(self):
        return self.rule


class RuleSettingChange(models.Model):
    """The audit trail of rule settings: who changed what, when and why (append-only)."""

    setting = models.ForeignKey(RuleSetting, on_delete=models.PROTECT, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    enabled = models.BooleanField()
    limit = models.IntegerField(null=True, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.setting} {self.at:%Y-%m-%d %H:%M}"
