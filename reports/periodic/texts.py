"""The text of each kind of report: {placeholders} a district administrator may use, the
default wording (after the seeds' summaries), the check made when a text is saved, and the
filling of a text with figures."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import ReportKind

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

# seed 001 篇1: the figures of the registry in a progress report.
REGISTRY = {
    "bureau_name": gettext_lazy("The bureau's name"),
    "period_start": gettext_lazy("First day of the period covered"),
    "as_of_date": gettext_lazy("Date the figures stand at"),
    "as_of_month_end": gettext_lazy("Month the figures stand at the end of (e.g. 2026年10月底)"),
    "due_date": gettext_lazy("Reporting date"),
    "institutions_total": gettext_lazy("Institutions on file"),
    "licensed_before_period": gettext_lazy("Institutions licensed before the period"),
    "academic_business_only": gettext_lazy("Academic institutions with a business licence only"),
    "rectified": gettext_lazy("Brought up to standard by rectification in the period"),
    "licences_issued": gettext_lazy("School-running licences issued in the period"),
    "banned_or_closed": gettext_lazy("Banned, deregistered or closed"),
    "suspended": gettext_lazy("Suspended for rectification"),
    "operating": gettext_lazy("Operating"),
    "white_listed": gettext_lazy("On the published white list"),
}
# seed 001 篇3, seed 004 江津: a campaign's figures.
CAMPAIGN = {
    "campaign_name": gettext_lazy("The campaign's name"),
    "campaign_start": gettext_lazy("First day of the campaign"),
    "campaign_end": gettext_lazy("Last day of the campaign"),
    "visits": gettext_lazy("Inspection visits"),
    "institutions_inspected": gettext_lazy("Institutions inspected"),
    "personnel_times": gettext_lazy("Personnel-times (人次)"),
    "vehicle_trips": gettext_lazy("Vehicle trips (车次)"),
    "notices_issued": gettext_lazy("Rectification notices issued"),
    "notices_closed": gettext_lazy("Rectification notices closed"),
    "notices_overdue": gettext_lazy("Rectification notices overdue"),
}

PLACEHOLDERS = {
    ReportKind.PROGRESS: REGISTRY,
    ReportKind.CAMPAIGN_SUMMARY: REGISTRY | CAMPAIGN,
    ReportKind.FINAL: REGISTRY | CAMPAIGN,
}

# The default wording is document text, always Chinese whatever the interface language (like
# the checklists, it is data a district may rewrite); its shape is seed 001 篇1 §一.
_REGISTRY_TEXT = (
    "经{bureau_name}牵头,乡镇街道配合摸排,辖区内校外培训机构{institutions_total}所,"
    "其中经教育主管部门审批的校外教育培训机构共有{licensed_before_period}所,"
    "工商部门注册登记、面向中小学生进行学科培训的{academic_business_only}所。"
    "截止到{as_of_month_end},通过整改基本达到办学条件{rectified}所,"
    "已颁发办学许可证{licences_issued}所,取缔或自行停办{banned_or_closed}所,"
    "暂时停办整改{suspended}所,公布校外培训机构白名单{white_listed}所。"
)
_CAMPAIGN_TEXT = (
    "{campaign_name}自{campaign_start}开展以来,共出动检查人员{personnel_times}人次、"
    "执法车辆{vehicle_trips}次,检查校外培训机构{institutions_inspected}所{visits}次,"
    "下发整改通知书{notices_issued}份,已整改销号{notices_closed}份,逾期未整改{notices_overdue}份。"
)
DEFAULT_TEXTS = {
    ReportKind.PROGRESS: _REGISTRY_TEXT,
    ReportKind.CAMPAIGN_SUMMARY: _CAMPAIGN_TEXT + "\n" + _REGISTRY_TEXT,
    ReportKind.FINAL: _CAMPAIGN_TEXT
    + "\n"
    + _REGISTRY_TEXT
    + "\n{campaign_name}各项任务已于{campaign_end}前完成,现将正式报告报送。",
}


def text_unknown_placeholders(*, kind: str, text: str) -> list[str]:
    """The {names} in a text that the kind of report does not fill."""
    known = PLACEHOLDERS[kind]
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in known})


def text_check(*, kind: str, text: str) -> None:
    """Refuse a text naming a placeholder the report cannot fill (a field error on `text`)."""
    if not text.strip():
        raise ValidationError({"text": [_("Enter the text of the report.")]})
    unknown = text_unknown_placeholders(kind=kind, text=text)
    if unknown:
        raise ValidationError(
            {
                "text": [
                    _("Unknown placeholder: %(names)s. Use only the placeholders listed.")
                    % {"names": "、".join("{" + name + "}" for name in unknown)}
                ]
            }
        )


def text_fill(text: str, values: dict) -> list[str]:
    """The text with each {placeholder} replaced by its value, as paragraphs."""
    filled = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)
    return [line.strip() for line in filled.splitlines() if line.strip()]
