from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards, roll-ups for superiors and stamped progress reports (the top layer: it reads
    the other apps through their selectors; nothing imports it)."""

    name = "reports"
    verbose_name = _("Reports")
