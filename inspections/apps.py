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

    def ready(self):
        # The case chain on the pages of the apps below (they never import inspections).
        from complaints import extensions as complaint_extensions
        from inspections import panels, warnings
        from institutions import extensions as institution_extensions

        complaint_extensions.register_panel(
            template="inspections/_complaint_panel.html", context=panels.complaint_panel
        )
        warnings.register()
        institution_extensions.register_panel(
            page="staff", template="institutions/_panel.html", context=panels.institution_panel
        )
