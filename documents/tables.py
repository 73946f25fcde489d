"""The columns of the issued-documents list (core.tables)."""

from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from core.tables import ListTable, sort


class DocumentTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    # Sorts only on unique keys or the (bureau, kind, year) index's columns.
    number = Column(_("Document number"), orderable=True, order_by=sort("kind", "year", "serial"))
    title = Column(_("Title"))
    kind = Column(_("Kind"), orderable=True, order_by=sort("kind", "year", "serial"))
    issued_on = Column(_("Date of issue"), orderable=True, order_by=sort("issued_at"))
    pages = Column(_("Pages"))
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "issued_at"))
    download = Column(_("Download"), empty_values=())
