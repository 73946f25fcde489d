from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Prepaid-fee escrow")
    menu_entries = (
        MenuEntry(
            "funds", _("Escrow"), "funds:account-list", action="escrowaccount.view", order=10
        ),
        MenuEntry(
            "funds", _("Fund warnings"), "funds:warning-list", action="fundwarning.view", order=20
        ),
    )

    def ready(self):
        from funds import panels

        panels.register()
