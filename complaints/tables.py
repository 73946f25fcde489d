"""The columns of the tip-off inbox and the supervision-order list (core.tables)."""

from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from core.tables import ListTable, sort


class ComplaintTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    # Sorts only on keys the inbox's indexes serve (bureau, status, due_on, id), or unique ones.
    tracking_code = Column(_("Tracking code"), orderable=True, order_by=sort("tracking_code"))
    institution = Column(_("Institution"), empty_values=())
    category = Column(_("Category"))
    channel = Column(_("Channel"))
    status = Column(_("Status"), orderable=True, order_by=sort("status", "due_on"))
    due_on = Column(_("Reply due"), orderable=True, order_by=sort("due_on"))
    handler = Column(_("Handler"), empty_values=())
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "due_on"))


class SupervisionOrderTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    number = Column(_("Number"), orderable=True, order_by=sort("number"))
    subject = Column(_("Subject"))
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "due_on"))
    issued_by = Column(_("Issued by"))
    due_on = Column(_("Answer due"), orderable=True, order_by=sort("due_on"))
    status = Column(_("Status"), orderable=True, order_by=sort("status", "due_on"))
