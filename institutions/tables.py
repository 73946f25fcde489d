"""The columns of the registry list (core.tables): headers, and which of them sort."""

from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from core.tables import ListTable, sort


class InstitutionTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    # Sorts only on indexed keys or small ones, always with the id last.
    name = Column(_("Name"), orderable=True, order_by=sort("name"))
    credit_code = Column(_("Credit code"), orderable=True, order_by=sort("credit_code"))
    category = Column(_("Category"))
    status = Column(_("Status"), orderable=True, order_by=sort("status", "name"))
    street = Column(_("Street"))
    licence = Column(_("Licence expires"), empty_values=())
    lists = Column(_("Lists"), empty_values=())
    warnings = Column(_("Warnings"), empty_values=())
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "name"))
