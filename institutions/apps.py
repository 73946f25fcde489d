from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institution registry")
    menu_entries = (
        MenuEntry(
            "institutions",
            _("Institutions"),
            "institutions:institution-list",
            action="institution.view",
            order=10,
        ),
        MenuEntry(
            "institutions",
            _("White and black lists"),
            "institutions:listentry-list",
            action="institution.view",
            order=20,
        ),
        MenuEntry(
            "institutions",
            _("Survey import"),
            "institutions:importjob-list",
            action="institution.view",
            order=30,
        ),
        MenuEntry("institutions", _("Public lookup"), "public_institutions:search", order=90),
    )
