from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")
    menu_entries = (
        MenuEntry(
            "inspections",
            _("Inspections"),
            "inspections:share-list",
            action="campaignshare.view",
            order=10,
        ),
        MenuEntry(
            "inspections",
            _("Rectification notices"),
            "inspections:notice-list",
            action="rectificationnotice.view",
            order=20,
        ),
    )
