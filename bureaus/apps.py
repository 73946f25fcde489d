from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BureausConfig(AppConfig):
    name = "bureaus"
    verbose_name = _("Bureaus")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bureaus import signin  # noqa: F401 - connects the sign-in audit receivers
