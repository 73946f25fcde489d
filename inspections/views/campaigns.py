"""Campaigns and the districts' shares with their figures (from ShareFigures), and the
Excel export of a campaign's statistics."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from core.spreadsheets import text_cells, workbook_bytes, xlsx_response
from core.tables import TableListMixin
from inspections import selectors
from inspections.models import (
    Campaign,
    CampaignShare,
)
from inspections.tables import CampaignTable, ShareTable


class CampaignListView(TableListMixin, ScopedListView):
    """Campaigns issued by the user's bureau or below it (sortable, page size, page numbers;
    stacked cards on a phone)."""

    model = Campaign
    permission_object = "campaign"
    paginate_by = 50
    table_class = CampaignTable
    list_key = "campaigns"
    choice_labels = ("kind",)

    def scope_queryset(self, queryset):
        return self.table_order(queryset).select_related("bureau")


class CampaignDetailView(ScopedDetailView):
    """A campaign with the figures of every share the user sees."""

    model = Campaign
    permission_object = "campaign"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stats=selectors.campaign_statistics(user=self.request.user, campaign=self.object),
            street_stats=selectors.campaign_street_statistics(
                user=self.request.user, campaign=self.object
            ),
            shares=selectors.share_list(user=self.request.user).filter(campaign=self.object),
            **kwargs,
        )


class CampaignExportView(ScopedDetailView):
    """The campaign's figures per district as a workbook (the figures the summaries report)."""

    model = Campaign
    permission_object = "campaign"

    def render_to_response(self, context, **response_kwargs):
        user, campaign = self.request.user, self.object
        stats = selectors.campaign_statistics(user=user, campaign=campaign)
        streets = selectors.campaign_street_statistics(user=user, campaign=campaign)
        return xlsx_response(
            statistics_workbook(stats, title=str(_("Statistics")), streets=streets),
            f"campaign-{self.object.pk}-statistics.xlsx",
        )


def _statistics_sheet(workbook, title: str, stats: dict, rows_key: str, label) -> None:
    """One sheet of figures: a row per district (or street) and the total."""
    areas = sorted(stats["total"]["areas"])
    keys = ["institutions", "personnel_times", "vehicle_trips", "issued", "closed", "overdue"]
    keys += ["suspended", "banned"]
    header = [
        *label["header"],
        str(_("Institutions inspected")),
        str(_("Personnel-times")),
        str(_("Vehicle trips")),
        str(_("Notices issued")),
        str(pgettext_lazy("rectification notice status", "Closed")),
        str(_("Overdue")),
        str(_("Suspended")),
        str(_("Banned")),
        *areas,
    ]
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for r in stats[rows_key]:
        values = [*label["cells"](r), *(r[k] for k in keys)]
        sheet.append(text_cells(sheet, [*values, *(r["areas"].get(a, 0) for a in areas)]))
    total = stats["total"]
    blanks = [""] * (len(label["header"]) - 1)
    sheet.append(
        text_cells(
            sheet,
            [
                str(_("Total")),
                *blanks,
                *(total[k] for k in keys),
                *(total["areas"][a] for a in areas),
            ],
        )
    )


def statistics_workbook(stats: dict, *, title: str, streets: dict | None = None) -> bytes:
    """The figures per district on the first sheet and, when given, per street on the second
    (formula-safe cells, as every export)."""
    workbook = Workbook(write_only=True)
    district = {"header": [str(_("District"))], "cells": lambda r: [r["district"]]}
    _statistics_sheet(workbook, title, stats, "districts", district)
    if streets is not None:
        street = {
            "header": [str(_("District")), str(_("Street"))],
            "cells": lambda r: [r["district"], r["street"]],
        }
        _statistics_sheet(workbook, str(_("By street")), streets, "streets", street)
    return workbook_bytes(workbook)


class ShareListView(TableListMixin, ScopedListView):
    """The campaign shares a district runs (a superior: those of its districts, with the
    district filter and grouping)."""

    model = CampaignShare
    permission_object = "campaignshare"
    paginate_by = 50
    template_name = "inspections/share_list.html"
    table_class = ShareTable
    list_key = "campaignshares"

    def scope_queryset(self, queryset):
        return self.table_order(queryset).select_related("campaign", "bureau")


class ShareDetailView(ScopedDetailView):
    model = CampaignShare
    permission_object = "campaignshare"
    template_name = "inspections/share_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("campaign", "bureau")

    def get_context_data(self, **kwargs):
        share = self.object
        return super().get_context_data(
            stats=selectors.statistics(CampaignShare.objects.filter(pk=share.pk)),
            visits=share.inspections.select_related("institution"),
            draws=share.draws.all(),
            may_draw=self.membership.bureau_id == share.bureau_id
            and membership_may(self.membership, "draw.make"),
            phases=share.campaign.phases.all(),
            **kwargs,
        )
