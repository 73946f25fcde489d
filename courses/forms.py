from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import GRADE_CHOICES, Course, SchoolVacation, Subject
from courses.rules import RULES


def _rule_choices():
    return [("", "---------"), *[(r.id, r.label) for r in RULES.values()]]


class CourseFilterForm(forms.Form):
    """The staff list's filters: rule broken, subject, delivery, status."""

    rule = forms.ChoiceField(label=_("Rule"), required=False, choices=_rule_choices)
    subject = forms.ChoiceField(
        label=pgettext_lazy("course subject", "Subject"),
        required=False,
        choices=[("", "---------"), *Subject.choices],
    )
    delivery = forms.ChoiceField(
        label=_("Delivery"), required=False, choices=[("", "---------"), *Course.Delivery.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "---------"), *Course.Status.choices]
    )


class AcceptForm(forms.Form):
    pass


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for return"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TimetableUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Timetable (.xlsx)"),
        help_text=_(
            "One session per row. Columns: 课程名称, 科目, 年级, 授课方式, 教学点, 日期, 开始时间, "
            "结束时间, 每课时分钟, 课时单价(元). Rows of one course name form one course."
        ),
    )


class VacationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Vacation"), choices=SchoolVacation.Kind.choices)
    first_day = forms.DateField(label=_("First day"))
    last_day = forms.DateField(label=_("Last day"))


class GuidancePriceForm(forms.Form):
    subject = forms.ChoiceField(
        label=pgettext_lazy("course subject", "Subject"), choices=Subject.choices
    )
    grade = forms.TypedChoiceField(label=_("Grade"), choices=GRADE_CHOICES, coerce=int)
    max_yuan_per_hour = forms.DecimalField(
        label=_("Guidance price per class hour (yuan)"), min_value=0, decimal_places=2
    )


class RuleSettingForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("Rule"), choices=lambda: [(r.id, r.label) for r in RULES.values()]
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    limit = forms.IntegerField(
        label=_("Tighter limit"),
        required=False,
        help_text=_(
            "In the rule's unit: minutes after midnight for end times (1200 = 20:00), minutes "
            "for the online lesson, fen for the package. Empty: the national limit."
        ),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)
