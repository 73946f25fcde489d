"""The 双减 rule engine: one small named function per rule, each citing the clause it enforces
and returning Chinese messages that name the offending session or field.

Every rule function takes a `Filing` (a course as filed, saved or not, with its sessions and
teachers) and a `Context` (what the rules read: the province's settings, the city's vacations
and guidance prices, the working-day calendar, the licence's approved scope) and returns a list
of messages; an empty list means the rule holds. `filing_check` runs them all, so a refused
filing lists every reason at once. The nightly run (courses.services.nightly) evaluates the
same rules set-based, in SQL, over every filed course.

A province may switch a rule off or tighten its limit (RuleSetting, with its history); a rule's
national limit is never edited in code per province.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import COMPULSORY_GRADES, SUBJECT_SCOPE_WORDS, Course

WEEKDAYS = "一二三四五六日"


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


@dataclass(frozen=True)
class SessionFacts:
    """One session as the rules see it; `label` names it in messages (a date, or a weekly
    pattern)."""

    day: dt.date | None
    starts_at: dt.time
    ends_at: dt.time
    weekday: int | None = None  # 1–7 for a weekly pattern's own check

    @property
    def label(self) -> str:
        times = f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
        if self.day is not None:
            return f"{self.day:%Y-%m-%d}(周{WEEKDAYS[self.day.weekday()]}){times}"
        return f"每周{WEEKDAYS[(self.weekday or 1) - 1]} {times}"


@dataclass(frozen=True)
class TeacherFacts:
    name: str
    qualified: bool
    in_service: bool


@dataclass
class Filing:
    """A course as filed: its fields (a Course, saved or not), sessions and teachers."""

    course: Course
    sessions: list[SessionFacts] = field(default_factory=list)
    teachers: list[TeacherFacts] = field(default_factory=list)


@dataclass
class Context:
    """What the rules read besides the filing."""

    settings: dict[str, tuple[bool, int | None]] = field(default_factory=dict)
    rest_days: dict[dt.date, str] = field(default_factory=dict)  # date → why (周末, 国庆节…)
    known_years: frozenset[int] = frozenset()  # years the calendar table holds
    vacations: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)
    prices: dict[tuple[str, int], int] = field(default_factory=dict)  # (subject, grade) → fen
    licence_scope: str | None = None  # None: no school-running licence on file

    def enabled(self, rule: "Rule") -> bool:
        return self.settings.get(rule.id, (True, None))[0]

    def limit(self, rule: "Rule") -> int | None:
        value = self.settings.get(rule.id, (True, None))[1]
        return rule.national_limit if value is None else value


@dataclass(frozen=True)
class Rule:
    """A rule: its id (stored on courses and in institution warnings), its label, its national
    limit (None: the rule has no number) and whether a tighter limit is a smaller one."""

    id: str
    label: str
    check: Callable[[Filing, Context], list[str]]
    national_limit: int | None = None


RULES: dict[str, Rule] = {}


def rule(rule_id: str, label, national_limit: int | None = None):
    def register(function):
        RULES[rule_id] = Rule(rule_id, label, function, national_limit)
        function.rule_id = rule_id
        return function

    return register


OFFLINE_END = 20 * 60 + 30  # 20:30
ONLINE_END = 21 * 60  # 21:00
ONLINE_LESSON_MAX = 30
ONLINE_BREAK_MIN = 10
PACKAGE_MAX_FEN = 5000_00
PACKAGE_MAX_HOURS = 60
PACKAGE_MAX_MONTHS = 3


@rule("end_offline", gettext_lazy("Offline class ends after 20:30"), OFFLINE_END)
def end_offline(filing: Filing, context: Context) -> list[str]:
    """Seed 000 §三(三): "上课时间不得超过20:30分"; seed 003 §14: "线下培训结束时间不得晚于
    20:30". Applied to every offline course, academic or not: the clause protects the pupils'
    evening, and a province that reads it as academic-only switches it off for others by
    setting. A session ending at 20:30 exactly passes; 20:31 fails."""
    if filing.course.delivery != Course.Delivery.OFFLINE:
        return []
    limit = context.limit(RULES["end_offline"])
    return [
        _("Session %(session)s ends after %(limit)s (offline classes end by %(limit)s).")
        % {"session": s.label, "limit": hhmm(limit)}
        for s in filing.sessions
        if minutes(s.ends_at) > limit
    ]


@rule("end_online", gettext_lazy("Online class ends after 21:00"), ONLINE_END)
def end_online(filing: Filing, context: Context) -> list[str]:
    """Seed 003 §14: "线上培训结束时间不晚于21:00". 21:00 passes, 21:01 fails."""
    if filing.course.delivery != Course.Delivery.ONLINE_LIVE:
        return []
    limit = context.limit(RULES["end_online"])
    return [
        _("Session %(session)s ends after %(limit)s (online classes end by %(limit)s).")
        % {"session": s.label, "limit": hhmm(limit)}
        for s in filing.sessions
        if minutes(s.ends_at) > limit
    ]


@rule("online_lesson", gettext_lazy("Online lesson over 30 minutes or break under 10"), 30)
def online_lesson(filing: Filing, context: Context) -> list[str]:
    """Seed 003 §14: "线上培训…每课时不超过30分钟,课程间隔不少于10分钟". A 30-minute lesson
    passes, 31 fails; a 10-minute break passes, 9 fails."""
    course = filing.course
    if not course.is_online:
        return []
    limit = context.limit(RULES["online_lesson"])
    found = []
    if course.lesson_minutes > limit:
        found.append(
            _("Lesson length: %(n)s minutes; an online lesson lasts at most %(limit)s minutes.")
            % {"n": course.lesson_minutes, "limit": limit}
        )
    if course.break_minutes < ONLINE_BREAK_MIN:
        found.append(
            _("Break between lessons: %(n)s minutes; online lessons need at least %(min)s.")
            % {"n": course.break_minutes, "min": ONLINE_BREAK_MIN}
        )
    return found


@rule("rest_day", gettext_lazy("Academic training on a rest day, holiday or vacation"))
def rest_day(filing: Filing, context: Context) -> list[str]:
    """Seed 003 §14: "学科类校外培训机构不得占用国家法定节假日、休息日及寒暑假期组织学科类
    培训", for courses of compulsory-education pupils (the 双减 opinion's scope).

    Rest days come from the working-day calendar (core.CalendarDay), so a 调休 make-up working
    day (a Saturday or Sunday the State Council makes a working day) is NOT a rest day here:
    the clause forbids taking the pupils' 休息日, and on a make-up day they are at school like
    any weekday, so training after school is judged like a weekday's (and by the end-time
    rules). Conversely a statutory holiday falling on a weekday is a rest day. A year the
    calendar does not know falls back to Saturday and Sunday. Vacations are the city's school
    calendar (the province's where the city entered none)."""
    course = filing.course
    if not (course.is_academic and COMPULSORY_GRADES.intersection(course.grades or ())):
        return []
    found = []
    for s in filing.sessions:
        if s.day is None:
            continue
        why = context.rest_days.get(s.day)
        if why is None and s.day.year not in context.known_years and s.day.weekday() >= 5:
            why = _("weekend")
        if why is None:
            for first, last, name in context.vacations:
                if first <= s.day <= last:
                    why = name
                    break
        if why:
            found.append(
                _(
                    "Session %(session)s falls on a rest day (%(why)s): no academic training "
                    "for compulsory-education pupils on weekends, holidays or vacations."
                )
                % {"session": s.label, "why": why}
            )
    return found


@rule("scope", gettext_lazy("Subject outside the licence's approved scope"))
def scope(filing: Filing, context: Context) -> list[str]:
    """Seed 000 §八: "严禁超出审批的办学内容开展培训活动". The subject must be named in the
    approved scope of the institution's school-running licence."""
    course = filing.course
    if context.licence_scope is None:
        return [_("Subject: the institution has no school-running licence with an approved scope.")]
    words = SUBJECT_SCOPE_WORDS.get(course.subject, ())
    if any(word in context.licence_scope for word in words):
        return []
    return [
        _("Subject: “%(subject)s” is outside the licence's approved scope (%(scope)s).")
        % {"subject": course.get_subject_display(), "scope": context.licence_scope}
    ]


@rule("guidance_price", gettext_lazy("Price above the government guidance price"))
def guidance_price(filing: Filing, context: Context) -> list[str]:
    """Seed 002 §三(三) (as the issue cites it) and the 双减 opinion: academic fees follow the
    government guidance price (政府指导价) the city sets per subject and grade. A price equal to
    the guidance price passes; one fen above fails. A grade without a price is not judged."""
    course = filing.course
    if not course.is_academic:
        return []
    found = []
    for grade in sorted(course.grades or ()):
        cap = context.prices.get((course.subject, grade))
        if cap is not None and course.price_per_hour_fen > cap:
            found.append(
                _(
                    "Price per class hour: %(price)s yuan is above the guidance price of "
                    "%(cap)s yuan for grade %(grade)s."
                )
                % {
                    "price": f"{course.price_per_hour_fen / 100:.2f}",
                    "cap": f"{cap / 100:.2f}",
                    "grade": grade,
                }
            )
    return found


@rule("package", gettext_lazy("Package above 5000 yuan, 3 months or 60 class hours"), 5000_00)
def package(filing: Filing, context: Context) -> list[str]:
    """Seed 001 篇2: "不得一次性收取或以充值、次卡等形式变相收取时间跨度超过3个月或60课时的
    费用,且不得超过5000元". 5000.00 yuan, 60 hours and 3 months pass; one more fails."""
    course = filing.course
    limit = context.limit(RULES["package"])
    found = []
    if course.package_price_fen > limit:
        found.append(
            _("Package price: %(price)s yuan; one charge may not exceed %(limit)s yuan.")
            % {"price": course.package_price_yuan, "limit": f"{limit / 100:.0f}"}
        )
    if course.package_hours > PACKAGE_MAX_HOURS:
        found.append(
            _("Package class hours: %(n)s; one charge may cover at most %(max)s class hours.")
            % {"n": course.package_hours, "max": PACKAGE_MAX_HOURS}
        )
    if course.package_months > PACKAGE_MAX_MONTHS:
        found.append(
            _("Package months: %(n)s; one charge may cover at most %(max)s months.")
            % {"n": course.package_months, "max": PACKAGE_MAX_MONTHS}
        )
    return found


@rule("teacher", gettext_lazy("Academic teacher unqualified or in service at a school"))
def teacher(filing: Filing, context: Context) -> list[str]:
    """Seed 003 §17: "从事学科类培训的人员必须具备相应教师资格"; seed 003 §22 and seed 000 §四:
    "不得聘任在职中小学教师"."""
    if not filing.course.is_academic:
        return []
    found = []
    for t in filing.teachers:
        if not t.qualified:
            found.append(
                _("Teacher %(name)s holds no teacher qualification for academic training.")
                % {"name": t.name}
            )
        if t.in_service:
            found.append(
                _("Teacher %(name)s is an in-service primary or secondary school teacher.")
                % {"name": t.name}
            )
    return found


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str


def filing_check(filing: Filing, context: Context) -> list[Violation]:
    """Every violation of every enabled rule, in rule order (a refusal lists them all)."""
    found = []
    for rule_ in RULES.values():
        if context.enabled(rule_):
            found += [Violation(rule_.id, m) for m in rule_.check(filing, context)]
    return found


def rule_labels() -> dict[str, str]:
    return {r.id: r.label for r in RULES.values()}
