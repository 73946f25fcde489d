import re
from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.forms import ScopedForm, ScopedModelChoiceField
from courses.models import GRADE_CHOICES, Course, Subject
from institutions.models import Institution


class InvitationForm(ScopedForm):
    """A district officer invites an institution's contact (only the district's institutions
    are offered)."""

    institution = ScopedModelChoiceField(Institution.objects.all(), label=_("Institution"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)


class AcceptForm(forms.Form):
    """The invited person chooses their username and password."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence of rectification"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was put right, when, and where the proof can be seen."),
    )


_SESSION_LINE = re.compile(r"^(\S+)\s+(\S+?)\s*[-–~]\s*(\S+)$")
_PATTERN_LINE = re.compile(r"^(\d)\s+(\S+?)\s*[-–~]\s*(\S+)\s+(\S+)\s*[~至]?\s*(\S+)$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _yuan_to_fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class CourseForm(forms.Form):
    """A course filing from the institution's portal: the fields of courses' filing service,
    prices in yuan (stored in fen), the timetable as lines of text (phone-friendly)."""

    # The filing service's field names that this form shows under another name.
    FIELD_FOR = {
        "price_per_hour_fen": "price_per_hour",
        "package_price_fen": "package_price",
        "teacher_ids": "teachers",
        "materials": None,
    }

    name = forms.CharField(label=_("Course name"), max_length=200)
    subject = forms.ChoiceField(
        label=pgettext_lazy("course subject", "Subject"), choices=Subject.choices
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Grades"), coerce=int, choices=GRADE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Course.Delivery.choices)
    site = forms.TypedChoiceField(
        label=_("Teaching site"), coerce=int, required=False, empty_value=None
    )
    class_size = forms.IntegerField(label=_("Class size"), min_value=1, initial=20)
    class_hours = forms.IntegerField(label=_("Class hours"), min_value=1)
    lesson_minutes = forms.IntegerField(label=_("Lesson length (minutes)"), min_value=1)
    break_minutes = forms.IntegerField(
        label=_("Break between lessons (minutes)"), min_value=0, initial=10
    )
    price_per_hour = forms.DecimalField(
        label=_("Price per class hour (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
    package_price = forms.DecimalField(
        label=_("Package price (yuan, 0: none)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        initial=0,
    )
    package_hours = forms.IntegerField(label=_("Package class hours"), min_value=0, initial=0)
    package_months = forms.IntegerField(label=_("Package months"), min_value=0, initial=0)
    teachers = forms.TypedMultipleChoiceField(
        label=_("Teachers"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    sessions = forms.CharField(
        label=_("One-off sessions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-12-01 19:00-20:30"}),
        help_text=_("One session per line: date, start-end, e.g. 2026-12-01 19:00-20:30."),
    )
    patterns = forms.CharField(
        label=_("Weekly sessions"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "2 19:00-20:30 2026-12-01 2027-01-26"}
        ),
        help_text=_(
            "One per line: weekday (1 Monday … 7 Sunday), start-end, first and last date, "
            "e.g. 2 19:00-20:30 2026-12-01 2027-01-26."
        ),
    )

    def __init__(self, *args, sites=(), staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "—"), *((s.pk, s.address) for s in sites)]
        self.fields["teachers"].choices = [(t.pk, t.name) for t in staff]

    def clean_sessions(self):
        found = []
        for line in _lines(self.cleaned_data["sessions"]):
            match = _SESSION_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    _("“%(line)s” is not “date start-end”.") % {"line": line}
                )
            day, starts, ends = match.groups()
            found.append({"day": day, "starts_at": starts, "ends_at": ends})
        return found

    def clean_patterns(self):
        found = []
        for line in _lines(self.cleaned_data["patterns"]):
            match = _PATTERN_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    _("“%(line)s” is not “weekday start-end first-date last-date”.")
                    % {"line": line}
                )
            weekday, starts, ends, first, last = match.groups()
            found.append(
                {
                    "weekday": int(weekday),
                    "starts_at": starts,
                    "ends_at": ends,
                    "first_day": first,
                    "last_day": last,
                }
            )
        return found

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("sessions") and not data.get("patterns"):
            raise forms.ValidationError(_("Give at least one session or weekly session."))
        return data

    @staticmethod
    def initial_for(course) -> dict:
        """The form's values for a course on file (to correct a returned filing)."""
        one_off = course.sessions.filter(pattern__isnull=True).order_by("day", "starts_at")
        return {
            "name": course.name,
            "subject": course.subject,
            "grades": list(course.grades),
            "delivery": course.delivery,
            "site": course.site_id,
            "class_size": course.class_size,
            "class_hours": course.class_hours,
            "lesson_minutes": course.lesson_minutes,
            "break_minutes": course.break_minutes,
            "price_per_hour": Decimal(course.price_per_hour_fen) / 100,
            "package_price": Decimal(course.package_price_fen) / 100,
            "package_hours": course.package_hours,
            "package_months": course.package_months,
            "teachers": [t.staff_id for t in course.teachers.all()],
            "sessions": "\n".join(
                f"{s.day:%Y-%m-%d} {s.starts_at:%H:%M}-{s.ends_at:%H:%M}" for s in one_off
            ),
            "patterns": "\n".join(
                f"{p.weekday} {p.starts_at:%H:%M}-{p.ends_at:%H:%M} {p.first_day} {p.last_day}"
                for p in course.patterns.order_by("weekday", "starts_at", "pk")
            ),
        }

    def filing(self) -> dict:
        """The keyword arguments of courses' filing service."""
        d = self.cleaned_data
        return {
            "name": d["name"],
            "subject": d["subject"],
            "grades": d["grades"],
            "delivery": d["delivery"],
            "site": d["site"],
            "class_size": d["class_size"],
            "class_hours": d["class_hours"],
            "lesson_minutes": d["lesson_minutes"],
            "break_minutes": d["break_minutes"],
            "price_per_hour_fen": _yuan_to_fen(d["price_per_hour"]),
            "package_price_fen": _yuan_to_fen(d["package_price"]),
            "package_hours": d["package_hours"],
            "package_months": d["package_months"],
            "teacher_ids": d["teachers"],
            "sessions": d["sessions"],
            "patterns": d["patterns"],
        }
