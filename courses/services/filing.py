"""Filing a course (课程备案): check it against every rule, submit it with its timetable,
and the district's decision (accepted / returned with reasons).

Who may file: a district officer of the institution's own district (checked here), or the
institution's own portal account (no bureau membership: the portal checks that the account
belongs to the institution before calling). Staff decisions go through core.workflow.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from bureaus.permissions import membership_may
from core.workflow import Transition, Workflow
from courses import rules
from courses.models import (
    ACADEMIC_SUBJECTS,
    GRADE_CHOICES,
    Course,
    CourseTeacher,
    Material,
    Session,
    Subject,
    TimetablePattern,
)
from courses.services.context import rule_context
from institutions.models import Site, Staff

S = Course.Status

FILING = Workflow(
    transitions=[
        Transition(
            "accept",
            {S.SUBMITTED},
            S.ACCEPTED,
            "course.decide",
            pgettext_lazy("course filing", "accepted"),
        ),
        Transition("return", {S.SUBMITTED}, S.RETURNED, "course.decide", gettext_lazy("returned")),
        Transition(
            "resubmit",
            {S.RETURNED, S.ACCEPTED},
            S.SUBMITTED,
            "course.change",
            gettext_lazy("resubmitted"),
        ),
    ],
    refusal=gettext_lazy("A course that is “%(status)s” cannot be %(action)s."),
)

# A weekly pattern covers at most a year: its sessions are stored one by one.
MAX_PATTERN_DAYS = 366
# The field a rule's refusal is shown on.
RULE_FIELDS = {
    "end_offline": "sessions",
    "end_online": "sessions",
    "online_lesson": "lesson_minutes",
    "rest_day": "sessions",
    "scope": "subject",
    "guidance_price": "price_per_hour_fen",
    "package": "package_price_fen",
    "teacher": "teacher_ids",
}
COURSE_FIELDS = (
    "name",
    "subject",
    "grades",
    "delivery",
    "site",
    "class_size",
    "class_hours",
    "lesson_minutes",
    "break_minutes",
    "price_per_hour_fen",
    "package_price_fen",
    "package_hours",
    "package_months",
)


def _staff_check(actor, institution) -> None:
    """A member of staff files only in their own district, with the role to do so; an actor
    with no membership is an institution account, authorized by the caller."""
    membership = getattr(actor, "membership", None)
    if membership is None:
        return
    if membership.bureau_id != institution.bureau_id or not membership_may(
        membership, "course.change"
    ):
        raise PermissionDenied


def _time(value, field, errors):
    if isinstance(value, dt.time):
        return value
    try:
        hours, mins = str(value).strip().split(":")[:2]
        return dt.time(int(hours), int(mins))
    except (ValueError, TypeError):
        errors.setdefault(field, []).append(
            _("“%(value)s” is not a time of day (HH:MM, 00:00–23:59).") % {"value": value}
        )
        return None


def _date(value, field, errors):
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
        if not 2000 <= day.year <= 2100:
            raise ValueError(value)
        return day
    except (ValueError, TypeError):
        errors.setdefault(field, []).append(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
        )
        return None


def _span(starts, ends, field, errors, label) -> bool:
    if starts is not None and ends is not None and ends <= starts:
        errors.setdefault(field, []).append(
            _("%(label)s: the end %(end)s is not after the start %(start)s.")
            % {"label": label, "end": f"{ends:%H:%M}", "start": f"{starts:%H:%M}"}
        )
        return False
    return starts is not None and ends is not None


class Parsed:
    """A filing read and shape-checked: the unsaved course, its patterns, sessions, teachers."""

    def __init__(self, course, patterns, sessions, staff, materials):
        self.course = course
        self.patterns = patterns
        self.sessions = sessions  # (day, start, end, pattern index or None)
        self.staff = staff
        self.materials = materials

    def filing(self) -> rules.Filing:
        return rules.Filing(
            course=self.course,
            sessions=[rules.SessionFacts(day, s, e) for day, s, e, _p in self.sessions],
            teachers=[
                rules.TeacherFacts(
                    name=t.name,
                    qualified=bool(t.qualification_number.strip()),
                    in_service=t.is_in_service_teacher,
                )
                for t in self.staff
            ],
        )


def _parse(*, institution, patterns=(), sessions=(), teacher_ids=(), materials=(), **fields):
    """Read a filing's fields; a field-keyed ValidationError lists every shape error at once."""
    errors: dict[str, list] = {}
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"unknown course fields: {sorted(unknown)}")
    site = fields.pop("site", None)
    if site is not None and not isinstance(site, Site):
        site = Site.objects.filter(institution=institution, pk=site).first()
        if site is None:
            errors["site"] = [_("This site is not one of the institution's sites.")]
    elif site is not None and site.institution_id != institution.pk:
        errors["site"] = [_("This site is not one of the institution's sites.")]
    course = Course(institution=institution, bureau_id=institution.bureau_id, site=site, **fields)
    course.is_academic = course.subject in ACADEMIC_SUBJECTS
    if course.subject not in Subject.values:
        errors["subject"] = [_("Choose a subject from the list.")]
    valid_grades = {g for g, _label in GRADE_CHOICES}
    if not course.grades or any(g not in valid_grades for g in course.grades):
        errors["grades"] = [_("Choose one or more grades from the list.")]
    if course.delivery not in Course.Delivery.values:
        errors["delivery"] = [_("Choose a delivery from the list.")]
    elif course.delivery == Course.Delivery.OFFLINE and site is None and "site" not in errors:
        errors["site"] = [_("An offline course is taught at one of the institution's sites.")]
    for name in ("price_per_hour_fen", "package_price_fen"):
        value = getattr(course, name)
        if value is None or value < 0:
            errors[name] = [_("A price cannot be negative.")]
    for name in ("class_hours", "lesson_minutes", "class_size"):
        value = getattr(course, name)
        if value is None or value <= 0:
            errors[name] = [_("Enter a number greater than zero.")]
    for name in ("break_minutes", "package_hours", "package_months"):
        value = getattr(course, name)
        if value is None or value < 0:
            errors[name] = [_("Enter a number not below zero.")]

    read_patterns, read_sessions = [], []
    for index, p in enumerate(patterns):
        label = _("Weekly pattern %(n)s") % {"n": index + 1}
        starts = _time(p.get("starts_at"), "patterns", errors)
        ends = _time(p.get("ends_at"), "patterns", errors)
        first = _date(p.get("first_day"), "patterns", errors)
        last = _date(p.get("last_day"), "patterns", errors)
        weekday = p.get("weekday")
        if weekday not in range(1, 8):
            errors.setdefault("patterns", []).append(
                _("%(label)s: the weekday is 1 (Monday) to 7 (Sunday).") % {"label": label}
            )
            continue
        if not _span(starts, ends, "patterns", errors, label) or first is None or last is None:
            continue
        if not 0 <= (last - first).days <= MAX_PATTERN_DAYS:
            errors.setdefault("patterns", []).append(
                _("%(label)s: the date range runs forward and covers at most a year.")
                % {"label": label}
            )
            continue
        read_patterns.append(
            TimetablePattern(
                weekday=weekday, starts_at=starts, ends_at=ends, first_day=first, last_day=last
            )
        )
        day = first + dt.timedelta(days=(weekday - 1 - first.weekday()) % 7)
        while day <= last:
            read_sessions.append((day, starts, ends, len(read_patterns) - 1))
            day += dt.timedelta(days=7)
    for index, s in enumerate(sessions):
        label = _("Session %(n)s") % {"n": index + 1}
        day = _date(s.get("day"), "sessions", errors)
        starts = _time(s.get("starts_at"), "sessions", errors)
        ends = _time(s.get("ends_at"), "sessions", errors)
        if _span(starts, ends, "sessions", errors, label) and day is not None:
            read_sessions.append((day, starts, ends, None))

    staff = list(Staff.objects.filter(institution=institution, pk__in=list(teacher_ids)))
    if len(staff) != len(set(teacher_ids)):
        errors["teacher_ids"] = [_("A teacher is not on the institution's staff register.")]
    read_materials = []
    for m in materials:
        title = (m.get("title") or "").strip()
        if not title:
            errors.setdefault("materials", []).append(_("A material needs a title."))
            continue
        read_materials.append(
            Material(title=title[:200], publisher=(m.get("publisher") or "").strip()[:200])
        )
    if errors:
        raise ValidationError(errors)
    read_sessions.sort()
    return Parsed(course, read_patterns, read_sessions, staff, read_materials)


def _violations(parsed: Parsed, institution) -> list[rules.Violation]:
    context = rule_context(institution=institution, days=[s[0] for s in parsed.sessions])
    return rules.filing_check(parsed.filing(), context)


def _refuse(violations) -> ValidationError:
    errors: dict[str, list] = {}
    for v in violations:
        errors.setdefault(RULE_FIELDS.get(v.rule, "__all__"), []).append(
            ValidationError(v.message, code=v.rule)
        )
    return ValidationError(errors)


def course_check(*, institution, **fields) -> list[rules.Violation]:
    """Every rule the filing would break, without saving anything (the API's `check`).
    A filing that cannot be read (a bad time, a negative price) raises ValidationError."""
    parsed = _parse(institution=institution, **fields)
    return _violations(parsed, institution)


def _write_timetable(course, parsed: Parsed) -> None:
    for pattern in parsed.patterns:
        pattern.course = course
    TimetablePattern.objects.bulk_create(parsed.patterns)
    Session.objects.bulk_create(
        [
            Session(
                course=course,
                pattern=parsed.patterns[p] if p is not None else None,
                day=day,
                starts_at=s,
                ends_at=e,
            )
            for day, s, e, p in parsed.sessions
        ]
    )
    CourseTeacher.objects.bulk_create([CourseTeacher(course=course, staff=t) for t in parsed.staff])
    for material in parsed.materials:
        material.course = course
    Material.objects.bulk_create(parsed.materials)


@transaction.atomic
def course_submit(*, actor, institution, **fields) -> Course:
    """File a course with its timetable, teachers and materials; a filing that breaks any rule
    is refused with every reason listed (ValidationError keyed by field), nothing saved."""
    _staff_check(actor, institution)
    parsed = _parse(institution=institution, **fields)
    violations = _violations(parsed, institution)
    if violations:
        raise _refuse(violations)
    course = parsed.course
    course.status = S.SUBMITTED
    course.submitted_at = timezone.now()
    course.full_clean(exclude=["bureau", "institution", "site", "violations"])
    course.save()
    _write_timetable(course, parsed)
    return course


@transaction.atomic
def course_resubmit(*, actor, course, **fields) -> Course:
    """Replace a returned (or accepted) course's filing and its timetable; it goes back to the
    district for a decision. Refused like a submission when a rule is broken."""
    _staff_check(actor, course.institution)
    if getattr(actor, "membership", None) is not None:
        step = FILING.begin(course, "resubmit", actor=actor)
    else:
        step = FILING.begin_as_system(course, "resubmit")
    locked = step.record
    parsed = _parse(institution=locked.institution, **fields)
    violations = _violations(parsed, locked.institution)
    if violations:
        raise _refuse(violations)
    for name in COURSE_FIELDS:
        setattr(locked, name, getattr(parsed.course, name))
    locked.is_academic = parsed.course.is_academic
    locked.submitted_at = timezone.now()
    locked.return_reasons = ""
    locked.violations = []
    locked.patterns.all().delete()
    locked.sessions.all().delete()
    locked.teachers.all().delete()
    locked.materials.all().delete()
    _write_timetable(locked, parsed)
    return step.finish(
        fields=[*COURSE_FIELDS, "is_academic", "submitted_at", "return_reasons", "violations"]
    )


def course_filing(course) -> rules.Filing:
    """A saved course as the rules see it."""
    return rules.Filing(
        course=course,
        sessions=[
            rules.SessionFacts(s.day, s.starts_at, s.ends_at)
            for s in course.sessions.order_by("day", "starts_at")
        ],
        teachers=[
            rules.TeacherFacts(
                name=t.staff.name,
                qualified=bool(t.staff.qualification_number.strip()),
                in_service=t.staff.is_in_service_teacher,
            )
            for t in course.teachers.select_related("staff")
        ],
    )


@transaction.atomic
def course_accept(*, actor, course) -> Course:
    """Accept a submitted course (备案通过): it and its prices appear on the public page. Refused
    when it breaks a rule today (a holiday or price entered since it was submitted)."""
    step = FILING.begin(course, "accept", actor=actor)
    locked = step.record
    filing = course_filing(locked)
    context = rule_context(
        institution=locked.institution, days=[s.day for s in filing.sessions if s.day]
    )
    violations = rules.filing_check(filing, context)
    if violations:
        raise _refuse(violations)
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.violations = []
    return step.finish(fields=["decided_at", "decided_by", "violations"])


@transaction.atomic
def course_return(*, actor, course, reasons: str) -> Course:
    """Return a submitted course to the institution with the reasons to fix."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": [_("Give the reasons for returning the course.")]})
    step = FILING.begin(course, "return", actor=actor)
    step.record.return_reasons = reasons
    step.record.decided_at = timezone.now()
    step.record.decided_by = actor
    return step.finish(fields=["return_reasons", "decided_at", "decided_by"])
