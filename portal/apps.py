from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Institution portal")
    menu_entries = (
        MenuEntry(
            "institutions",
            _("Institution portal"),
            "portal_staff:invitation-list",
            action="portalinvitation.view",
        ),
    )
