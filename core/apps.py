from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Mechanisms more than one domain app needs: working days, notifications, deadlines,
    document numbers, workflows and spreadsheets."""

    name = "core"
    verbose_name = _("Shared mechanisms")
    default_auto_field = "django.db.models.BigAutoField"
