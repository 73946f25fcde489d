from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Subject
from courses.rules import RULES


def _rule_choices():
    return [("", "---------"), *[(r.id, r.label) for r in RULES.values()]]


class CourseFilterForm(forms.Form):
    """The staff list's filters: rule broken, subject, delivery, status."""

    rule = forms.ChoiceField(label=_("Rule"), required=False, choices=_rule_choices)
    subject = forms.ChoiceField(
        label=_("Subject"), required=False, choices=[("", "---------"), *Subject.choices]
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
