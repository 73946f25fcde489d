"""The columns of the inspections' staff lists (core.tables): campaigns, shares and
rectification notices. Sorting only on keys their indexes serve (or small tables), with the
id tiebreak."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tables2 import Column

from core.tables import ListTable, sort


class CampaignTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    name = Column(_("Name"), orderable=True, order_by=sort("name"))
    kind = Column(_("Kind"), orderable=True, order_by=sort("kind", "starts_on"))
    issuer = Column(pgettext_lazy("campaign issuer", "Issued by"), empty_values=())
    starts_on = Column(_("Starts"), orderable=True, order_by=sort("starts_on"))
    ends_on = Column(_("Ends"), orderable=True, order_by=sort("ends_on"))


class NoticeTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    number = Column(_("Number"), orderable=True, order_by=sort("number"))
    institution = Column(_("Institution"), empty_values=())
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "due_on"))
    due_on = Column(_("Due"), orderable=True, order_by=sort("due_on"))
    status = Column(_("Status"), orderable=True, order_by=sort("status", "due_on"))


class ShareTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    campaign = Column(_("Campaign"), orderable=True, order_by=sort("campaign_id"))
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "campaign_id"))
    kind = Column(_("Kind"), empty_values=())
    starts_on = Column(_("Starts"), orderable=True, order_by=sort("campaign__starts_on"))
    ends_on = Column(_("Ends"), orderable=True, order_by=sort("campaign__ends_on"))
