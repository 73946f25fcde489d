from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Official documents")
    menu_entries = (
        MenuEntry(
            "institutions",
            _("Issued documents"),
            "documents:document-list",
            action="document.view",
            order=40,
        ),
        MenuEntry("system", _("Seal"), "documents:seal", action="seal.change", order=60),
    )
