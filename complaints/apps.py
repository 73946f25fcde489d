from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Tip-offs")
    menu_entries = (
        MenuEntry(
            "complaints",
            _("Tip-offs"),
            "complaints:complaint-list",
            action="complaint.view",
            query="open=true",
            order=10,
        ),
        MenuEntry(
            "complaints",
            _("Supervision orders"),
            "complaints:supervisionorder-list",
            action="supervisionorder.view",
            order=20,
        ),
        MenuEntry(
            "complaints",
            _("Refund disputes"),
            "complaints:refunddispute-list",
            action="refunddispute.view",
            order=30,
        ),
    )
