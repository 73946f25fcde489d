"""The district dashboard (home of district staff), the superiors' roll-ups with drill-down,
and their Excel exports: the same figures (reports.figures) on the page and in the workbook.

- A district's own dashboard is live (its figures in a dozen grouped queries), each figure
  linked to the filtered list behind it.
- A city's or province's roll-up reads the summary table (reports.summaries), refreshed by a
  periodic job, and says how fresh it is ("数据截至 …").
- A superior drills down into any bureau of its subtree (another one is a 404): a district
  shows its dashboard read-only, a city its roll-up.
Every read of these pages goes to the read replica when one is configured (reports.routers).
"""

import functools

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from bureaus.models import Bureau
from bureaus.pages import ScopedDetailView, ScopedPageMixin
from core.spreadsheets import write_only_workbook, xlsx_response
from reports import figures, summaries
from reports.routers import replica_reads
from reports.templatetags.dashboard_format import figure


def _url(figure: figures.Figure) -> str:
    if not figure.link:
        return ""
    query = QueryDict(mutable=True)
    for key, value in figure.params.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    encoded = query.urlencode()
    return reverse(figure.link) + (f"?{encoded}" if encoded else "")


@functools.cache
def _figure_urls() -> dict[str, str]:
    """Each figure's link to the list behind it: the same for every request of the process
    (a reverse() and a query string per figure, 40 of them, otherwise paid on every page)."""
    return {f.key: _url(f) for f in figures.figures()}


def district_context(bureau: Bureau, *, links: bool) -> dict:
    """A district's dashboard: its figures by group (linked to their lists when `links`),
    the data for its charts and the trend of the last 12 months.

    The figures an officer acts on are live; the slow-moving ones (figures.SLOW_GROUPS) and
    the trend come from the district's summary rows, with their freshness ("数据截至"),
    once the periodic refresh has made them (before, everything is live)."""
    today = timezone.localdate()
    months = figures.month_starts(today)
    summary = summaries.district_rows(bureau=bureau, since=months[0])
    current = summary.get(months[-1])
    from_summary = current is not None and all(m in summary for m in months)
    groups_live = set(figures.GROUPS) - (figures.SLOW_GROUPS if from_summary else set())
    counted = figures.district_figures(bureau_ids=[bureau.pk], today=today, groups=groups_live)
    counted = counted[bureau.pk]
    if from_summary:
        for f in figures.figures():
            if f.group not in groups_live and f.key not in figures.RATIOS:
                counted[f.key] = int((current.figures or {}).get(f.key, 0))
        monthly = {m: {k: int(summary[m].flows.get(k, 0)) for k in figures.MONTHLY} for m in months}
    else:
        monthly = figures.monthly_figures(bureau_ids=[bureau.pk], since=months[0])[bureau.pk]
    values = figures.with_ratios(counted)
    urls = _figure_urls() if links else {}
    shown = figures.figures()
    groups = []
    for key, label in figures.GROUPS.items():
        tiles = [
            {"figure": f, "value": values[f.key], "url": urls.get(f.key, "")}
            for f in shown
            if f.group == key
        ]
        if tiles:
            groups.append({"key": key, "label": label, "tiles": tiles})
    return {
        "bureau": bureau,
        "values": values,
        "groups": groups,
        "trend": [{"month": m, **monthly[m]} for m in months],
        "as_of": timezone.now(),
        "summary_as_of": current.refreshed_at if from_summary else None,
        "live": True,
        "charts": _charts(values, months, [monthly[m] for m in months]),
    }


def _charts(values: dict, months, trend_rows) -> dict:
    """What dashboard_charts.js draws: institutions by status and by category, warnings by
    colour, the 12-month trend."""
    by = {f.key: str(f.label) for f in figures.figures()}
    status = [k for k in by if k.startswith("status_")]
    category = [k for k in by if k.startswith("category_")]
    return {
        "status": {"labels": [by[k] for k in status], "values": [values[k] for k in status]},
        "category": {
            "labels": [by[k] for k in category],
            "values": [values[k] for k in category],
        },
        "warnings": {
            "labels": [by["warnings_yellow"], by["warnings_red"]],
            "values": [values["warnings_yellow"], values["warnings_red"]],
        },
        "trend": {
            "labels": [f"{m.year}-{m.month:02d}" for m in months],
            "series": [
                {"label": str(label), "values": [row[key] for row in trend_rows]}
                for key, label in figures.MONTHLY.items()
            ],
        },
    }


SORTABLE_EXTRA = ("name", "districts")


def rollup_context(bureau: Bureau, *, sort: str = "", descending: bool = False) -> dict:
    """A superior's roll-up: per child bureau side by side, the total, the trend, freshness;
    sorted by any column (server-side, so it works without script and in the export)."""
    data = summaries.rollup(bureau=bureau)
    columns = figures.figures()
    keys = {f.key for f in columns}
    rows = data["rows"]
    if sort in keys or sort in SORTABLE_EXTRA:
        if sort == "name":
            rows.sort(key=lambda r: r["bureau"].code, reverse=descending)
        else:
            # None (a ratio with nothing to divide) sorts below every number.
            rows.sort(key=lambda r: (r[sort] is not None, r[sort] or 0), reverse=descending)
    else:
        sort = ""
    trend = [{"month": m, **values} for m, values in data["trend"].items()]
    return {
        "bureau": bureau,
        "columns": columns,
        "rows": rows,
        "total": data["total"],
        "trend": trend,
        "as_of": data["as_of"],
        "sort": sort,
        "descending": descending,
        "charts": {
            "trend": {
                "labels": [f"{t['month'].year}-{t['month'].month:02d}" for t in trend],
                "series": [
                    {"label": str(label), "values": [t[key] for t in trend]}
                    for key, label in figures.MONTHLY.items()
                ],
            }
        },
    }


def _cells(values: dict, columns) -> str:
    """One roll-up row's figure cells, formatted as on the dashboard (dashboard_format.figure)
    and escaped."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<td class="text-end">{escape(figure(values.get(f.key), f.unit))}</td>'
            for f in columns
        )
    )


class _DashboardPage(ScopedPageMixin):
    """Read-only figures of the acting bureau's subtree ("dashboard.view")."""

    model = Bureau
    permission_object = "dashboard"

    def sort_args(self) -> dict:
        return {
            "sort": self.request.GET.get("sort", ""),
            "descending": self.request.GET.get("dir") == "desc",
        }

    def figures_for(self, bureau: Bureau, *, own: bool) -> dict:
        with replica_reads():
            if bureau.is_district:
                return {"kind": "district", **district_context(bureau, links=own)}
            return {"kind": "rollup", **rollup_context(bureau, **self.sort_args())}

    def page_figures(self, bureau: Bureau, *, own: bool) -> dict:
        """figures_for, with a roll-up's figure cells made here: a row of ~40 cells through
        the template's loop and filters was most of the page's time (issue 11)."""
        context = self.figures_for(bureau, own=own)
        if context["kind"] == "rollup":
            columns = context["columns"]
            for row in context["rows"]:
                row["cells"] = _cells(row, columns)
            context["total_cells"] = _cells(context["total"], columns)
        return context


class DashboardView(_DashboardPage, TemplateView):
    """The home of district staff (their district's dashboard) and of superiors (the
    roll-up of their city or province)."""

    template_name = "reports/dashboard/page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bureau = self.membership.bureau
        context.update(self.page_figures(bureau, own=True), own=True)
        context["export_url"] = reverse("reports:dashboard-export")
        return context


class BureauDrillDownView(_DashboardPage, ScopedDetailView):
    """A bureau of the subtree, read-only: a district's dashboard, a city's roll-up."""

    template_name = "reports/dashboard/page.html"
    context_object_name = "drilled"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_figures(self.object, own=False), own=False)
        context["export_url"] = reverse("reports:bureau-export", kwargs={"pk": self.object.pk})
        return context


def _workbook(context: dict) -> bytes:
    """The page's tables as one sheet: a district's figures (group, figure, value) or a
    roll-up (one row per bureau, then the total)."""
    bureau = context["bureau"]

    def cell(figure, value):
        if value is None:
            return ""
        if figure.unit == "fen":
            return value / 100
        return value

    def heading(figure):
        if figure.unit == "fen":
            return _("%(figure)s (yuan)") % {"figure": figure.label}
        return str(figure.label)

    if context["kind"] == "district":
        header = [bureau.name, _("District dashboard")]
        rows = [[_("Group"), _("Figure"), _("Value")]]
        rows += [
            [str(group["label"]), heading(t["figure"]), cell(t["figure"], t["value"])]
            for group in context["groups"]
            for t in group["tiles"]
        ]
        rows.append([])
        rows.append([_("Month"), *[str(label) for label in figures.MONTHLY.values()]])
        rows += [
            [f"{t['month']:%Y-%m}", *[t[key] for key in figures.MONTHLY]] for t in context["trend"]
        ]
        title = bureau.name
    else:
        columns = context["columns"]
        header = [_("Bureau"), _("Districts"), *[heading(f) for f in columns]]
        rows = [
            [r["bureau"].name, r["districts"], *[cell(f, r[f.key]) for f in columns]]
            for r in context["rows"]
        ]
        total = context["total"]
        districts = sum(r["districts"] for r in context["rows"])
        rows.append([_("Total"), districts, *[cell(f, total.get(f.key)) for f in columns]])
        if context["as_of"]:
            rows.append(
                [_("Data as of"), timezone.localtime(context["as_of"]).strftime("%Y-%m-%d %H:%M")]
            )
        title = bureau.name
    return write_only_workbook(title[:31], [str(h) for h in header], rows)


class DashboardExportView(_DashboardPage, View):
    """The acting bureau's dashboard or roll-up as a workbook."""

    def get(self, request, *args, **kwargs):
        bureau = self.membership.bureau
        context = self.figures_for(bureau, own=True)
        stamp = timezone.localdate().isoformat()
        return xlsx_response(_workbook(context), f"dashboard-{bureau.code}-{stamp}.xlsx")


class BureauExportView(_DashboardPage, ScopedDetailView):
    """A drilled-down bureau's figures as a workbook (another subtree's bureau is a 404)."""

    def get(self, request, *args, **kwargs):
        bureau = self.get_object()
        context = self.figures_for(bureau, own=False)
        stamp = timezone.localdate().isoformat()
        return xlsx_response(_workbook(context), f"dashboard-{bureau.code}-{stamp}.xlsx")
