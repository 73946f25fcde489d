from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class CoreConfig(AppConfig):
    """Mechanisms more than one domain app needs: working days, notifications, deadlines,
    document numbers, workflows and spreadsheets."""

    name = "core"
    verbose_name = _("Shared mechanisms")
    default_auto_field = "django.db.models.BigAutoField"
    menu_entries = (
        MenuEntry(
            "system",
            _("Working-day calendar"),
            "core:calendar",
            action="calendarday.view",
            order=70,
        ),
    )
