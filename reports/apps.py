from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class ReportsConfig(AppConfig):
    """Dashboards, roll-ups for superiors and stamped progress reports (the top layer: it reads
    the other apps through their selectors; nothing imports it)."""

    name = "reports"
    verbose_name = _("Reports")
    menu_entries = (
        MenuEntry(
            "reports", _("Dashboard"), "reports:dashboard", action="dashboard.view", order=10
        ),
        MenuEntry(
            "reports",
            _("Periodic reports"),
            "reports:periodic-report-list",
            action="periodicreport.view",
            order=20,
        ),
        MenuEntry(
            "reports",
            _("Who has reported"),
            "reports:periodic-report-missing",
            action="periodicreport.view",
            order=30,
        ),
        MenuEntry(
            "reports",
            _("Report texts"),
            "reports:report-template",
            action="reporttemplate.change",
            order=40,
        ),
        MenuEntry(
            "reports",
            _("Reporting days"),
            "reports:report-schedule",
            action="reportschedule.change",
            order=50,
        ),
    )
