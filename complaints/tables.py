"""The columns of the tip-off inbox and the supervision-order list (core.tables), and the
inbox's rows as HTML."""

from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from core.tables import ListTable, html_rows, sort, text, truncated
from core.templatetags.calendar_tags import calendar_warning


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


# The status badge's colour by status (as complaints/_status.html).
_BADGE = {
    "received": "text-bg-warning",
    "concluded": "text-bg-success",
    "closed": "text-bg-success",
    "rejected": "text-bg-secondary",
    "merged": "text-bg-secondary",
}


def inbox_rows(rows, *, shown, today, **layout):
    """The inbox's rows as HTML (core.tables.html_rows): the markup the template's loop gave.
    `shown` says which optional columns are on; `layout` is html_rows' grouping and width."""
    overdue = format_html(' <span class="badge text-bg-danger">{}</span>', gettext("Overdue"))
    on = [name for name in INBOX_OPTIONAL if shown.get(name)]

    def cells(c):
        code = text(c.tracking_code)
        yield f'<td><a href="{text(c.detail_url)}">{code}</a></td>'
        for name in on:
            if name == "institution":
                cell = text(truncated(c.institution_name, 30))
            elif name == "category":
                cell = text(c.category_label)
            elif name == "channel":
                cell = text(c.channel_label)
            elif name == "status":
                late = overdue if c.is_open and c.due_on < today else ""
                badge = _BADGE.get(c.status, "text-bg-primary")
                cell = f'<span class="badge {badge}">{text(c.status_label)}</span>{late}'
            elif name == "due_on":
                cell = f"{c.due_on.isoformat()}{calendar_warning(c.due_on)}"
            elif name == "handler":
                cell = text(c.assignee) if c.assignee else "—"
            else:  # district
                cell = text(c.bureau.name)
            yield f"<td>{cell}</td>"

    return html_rows(rows, cells, label=lambda c: c.tracking_code, **layout)


# The inbox's columns after the tracking code, in the table's order.
INBOX_OPTIONAL = ("institution", "category", "channel", "status", "due_on", "handler", "district")
