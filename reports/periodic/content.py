"""What a periodic report is: its key (kind, period, campaign), the period it covers, its
wording (the district's own or the default), and what documents.document_issue is given to
issue it — title, paragraphs with the figures filled in, tables, and the dashboard's charts
drawn as SVG (reports.charts; WeasyPrint runs no JavaScript). Reads only: the writes are in
reports.periodic.services."""

import datetime as dt

from django.utils import translation

from documents.models import IssuedDocument
from inspections import selectors as inspection_selectors
from institutions import selectors as institution_selectors
from reports import figures as dashboard_figures
from reports.models import PeriodicReport, ReportKind, ReportSchedule, ReportTemplate
from reports.periodic import texts
from reports.periodic.figures_asof import date_text, month_end_before, report_figures

TEMPLATE = "reports/periodic/pdf/report.html"
DOCUMENT_KIND = {
    ReportKind.PROGRESS: IssuedDocument.Kind.PROGRESS_REPORT,
    ReportKind.CAMPAIGN_SUMMARY: IssuedDocument.Kind.SUMMARY,
    ReportKind.FINAL: IssuedDocument.Kind.SUMMARY,
}
TITLES = {
    ReportKind.PROGRESS: "关于校外培训机构治理工作进展情况的报告",
    ReportKind.CAMPAIGN_SUMMARY: "关于{campaign}工作开展情况的总结",
    ReportKind.FINAL: "关于{campaign}工作的正式报告",
}


def report_key(*, kind: str, due_on: dt.date, campaign_id=None, on_demand=False) -> str:
    parts = [kind]
    if campaign_id is not None:
        parts.append(f"campaign-{campaign_id}")
    if on_demand:
        parts.append("on-demand")
    parts.append(due_on.isoformat())
    return ":".join(parts)


def report_period(*, bureau, kind, due_on, campaign) -> tuple[dt.date, dt.date]:
    """(first day covered, day the figures stand at)."""
    if campaign is not None and kind != ReportKind.PROGRESS:
        start = campaign["campaign__starts_on"]
        as_of = min(due_on, campaign["campaign__ends_on"])
        return min(start, as_of), as_of
    as_of = month_end_before(due_on)  # seed 001 篇1: 截止到…月底
    if campaign is not None:
        start = campaign["campaign__starts_on"]
    else:
        schedule = ReportSchedule.objects.filter(bureau=bureau).first()
        start = (schedule and schedule.period_starts_on) or dt.date(as_of.year, 1, 1)
    return min(start, as_of), as_of


def report_text(*, bureau, kind: str) -> str:
    """The district's own wording of a kind of report, or the default."""
    own = ReportTemplate.objects.filter(bureau=bureau, kind=kind).first()
    return own.text if own else texts.DEFAULT_TEXTS[kind]


def report_document(*, report: PeriodicReport) -> dict:
    """The arguments of documents.document_issue for a report: title, paragraphs, tables."""
    bureau = report.bureau
    campaign = None
    if report.campaign_id is not None:
        campaign = inspection_selectors.share_campaign(
            bureau_id=bureau.pk, campaign_id=report.campaign_id
        )
    figures = report_figures(
        bureau=bureau,
        period_starts_on=report.period_starts_on,
        as_of=report.as_of,
        due_on=report.due_on,
        campaign_id=report.campaign_id if campaign else None,
    )
    values = figures["values"]
    if campaign:
        values.update(
            campaign_name=campaign["campaign__name"],
            campaign_start=date_text(campaign["campaign__starts_on"]),
            campaign_end=date_text(campaign["campaign__ends_on"]),
        )
    kind = report.kind if campaign or report.kind == ReportKind.PROGRESS else ReportKind.PROGRESS
    with translation.override("zh-hans"):
        paragraphs = texts.text_fill(report_text(bureau=bureau, kind=kind), values)
        tables = [
            {
                "caption": f"表1 主要数据(截止到{values['as_of_month_end']})"
                if report.kind == ReportKind.PROGRESS
                else f"表1 主要数据(截至{values['as_of_date']})",
                "columns": ["项目", "数量"],
                "rows": [
                    [str(texts.REGISTRY[name]), values[name]]
                    for name in institution_selectors.REGISTRY_FIGURES
                ],
            },
            {
                "caption": "表2 分类统计",
                "columns": ["类别", "机构数", "正常办学", "停办整改", "取缔或停办", "白名单"],
                "rows": [
                    [r["label"], r["total"], r["operating"], r["suspended"], r["gone"], r["white"]]
                    for r in figures["by_category"]
                    if r["total"]
                ],
            },
        ]
        if campaign:
            tables.append(
                {
                    "caption": "表3 检查工作情况",
                    "columns": ["项目", "数量"],
                    "rows": [
                        [str(texts.CAMPAIGN[name]), values[name]]
                        for name in texts.CAMPAIGN
                        if name not in ("campaign_name", "campaign_start", "campaign_end")
                    ],
                }
            )
    title = TITLES[report.kind].format(campaign=report.campaign_name)
    return {
        "kind": DOCUMENT_KIND[report.kind],
        "title": title,
        "template": TEMPLATE,
        "context": {
            "paragraphs": paragraphs,
            "tables": tables,
            "charts": report_charts(report=report, values=values, figures=figures),
        },
        "recipient": bureau.parent.name if bureau.parent_id else "",
        "topic": f"periodic-report:{report.kind}",
        "idempotency_key": f"periodic-report:{report.key}",
    }


def _trend(*, bureau, as_of: dt.date) -> tuple[list[str], list[dict]]:
    """The dashboard's trend (the flows per month) over the 12 months up to the figures' date."""
    months = dashboard_figures.month_starts(as_of)
    monthly = dashboard_figures.monthly_figures(bureau_ids=[bureau.pk], since=months[0])
    rows = monthly.get(bureau.pk, {})
    labels = [
        f"{m.year}年{m.month}月" if m.month == 1 or i == 0 else f"{m.month}月"
        for i, m in enumerate(months)
    ]
    series = [
        {"label": str(label), "values": [rows.get(m, {}).get(key, 0) for m in months]}
        for key, label in dashboard_figures.MONTHLY.items()
    ]
    return labels, series


def report_charts(*, report, values: dict, figures: dict) -> list[dict]:
    """The dashboard's charts, drawn from the report's own figures (as of its date):
    institutions by status and by category, the campaign's work for a campaign report, and
    the 12-month trend. Descriptions (JSON, for a queued document), drawn as SVG by the
    template (reports.charts). Chinese labels: they are document text, like the tables."""
    drawn = [
        {
            "kind": "bar",
            "title": "机构办学状态",
            "labels": ["正常办学", "停办整改", "取缔或停办", "白名单"],
            "values": [
                values["operating"],
                values["suspended"],
                values["banned_or_closed"],
                values["white_listed"],
            ],
            "half": True,
        },
        {
            "kind": "bar",
            "title": "分类机构数",
            "labels": [r["label"] for r in figures["by_category"]],
            "values": [r["total"] for r in figures["by_category"]],
            "half": True,
            "colour": 1,
        },
    ]
    if figures["campaign"] is not None:
        names = ("visits", "personnel_times", "vehicle_trips", "notices_issued", "notices_closed")
        drawn.append(
            {
                "kind": "bar",
                "title": "检查工作情况",
                "labels": ["检查次数", "执法人次", "车次", "下发整改通知", "已整改"],
                "values": [values[name] for name in names],
                "colour": 2,
            }
        )
    with translation.override("zh-hans"):
        labels, series = _trend(bureau=report.bureau, as_of=report.as_of)
    drawn.append({"kind": "line", "title": "近12个月趋势", "labels": labels, "series": series})
    return drawn
