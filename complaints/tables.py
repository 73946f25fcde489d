"""The columns of the tip-off inbox and the supervision-order list (core.tables), and the
inbox's rows as HTML."""

from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from bureaus.pages import choice_labels, pk_link
from complaints.models import Complaint
from core.tables import ListTable, ValuesRow, html_rows, sort, text, truncated
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


class InboxRow(ValuesRow):
    """One row of the inbox as its cells read it (core.tables.ValuesRow): `InboxRow.read(page)`
    of `InboxRow.values(queryset)`; no model instance a row, nor one of its district and
    handler (issue 11)."""

    COLUMNS = (
        ("id", "pk"),
        ("tracking_code", "tracking_code"),
        ("institution_name", "institution_name"),
        ("category", "category"),
        ("channel", "channel"),
        ("status", "status"),
        ("due_on", "due_on"),
        ("bureau_id", "bureau_id"),
        ("bureau__name", "bureau_name"),
        ("assignee__username", "assignee_username"),
        ("assignee__display_name", "assignee_name"),
    )
    __slots__ = tuple(attr for _field, attr in COLUMNS)

    @property
    def handler(self) -> str | None:
        """The handler as User.__str__ gives them (display name, else user name); None if none."""
        if self.assignee_username is None:
            return None
        return self.assignee_name or self.assignee_username


def inbox_rows(rows, *, shown, today, **layout):
    """The inbox's rows (InboxRow) as HTML (core.tables.html_rows): the markup the template's
    loop gave. `shown` says which optional columns are on; `layout` is html_rows' grouping and
    width."""
    labels = choice_labels(Complaint, ("category", "channel", "status"))
    categories, channels, statuses = labels["category"], labels["channel"], labels["status"]
    detail = pk_link("complaints:complaint-detail")
    open_statuses = Complaint.OPEN_STATUSES
    overdue = format_html(' <span class="badge text-bg-danger">{}</span>', gettext("Overdue"))

    # A cell of a value many rows share (a label, a status badge, a date) is made once a page.
    def label_cell(by_value):
        made = {}

        def cell(value):
            html = made.get(value)
            if html is None:
                html = made[value] = f"<td>{text(by_value.get(value, value))}</td>"
            return html

        return cell

    category_cell, channel_cell = label_cell(categories), label_cell(channels)
    status_cells, due_cells = {}, {}

    def status_cell(c):
        late = c.status in open_statuses and c.due_on < today
        html = status_cells.get((c.status, late))
        if html is None:
            badge = _BADGE.get(c.status, "text-bg-primary")
            label = text(statuses.get(c.status, c.status))
            html = f'<td><span class="badge {badge}">{label}</span>{overdue if late else ""}</td>'
            status_cells[(c.status, late)] = html
        return html

    def due_cell(c):
        html = due_cells.get(c.due_on)
        if html is None:
            html = due_cells[c.due_on] = (
                f"<td>{c.due_on.isoformat()}{calendar_warning(c.due_on)}</td>"
            )
        return html

    def handler_cell(c):
        handler = c.handler
        return f"<td>{text(handler) if handler else '—'}</td>"

    makers = {
        "institution": lambda c: f"<td>{text(truncated(c.institution_name, 30))}</td>",
        "category": lambda c: category_cell(c.category),
        "channel": lambda c: channel_cell(c.channel),
        "status": status_cell,
        "due_on": due_cell,
        "handler": handler_cell,
        "district": lambda c: f"<td>{text(c.bureau_name)}</td>",
    }
    on = [makers[name] for name in INBOX_OPTIONAL if shown.get(name)]

    def cells(c):
        link = f'<td><a href="{text(detail(c.pk))}">{text(c.tracking_code)}</a></td>'
        return [link, *(make(c) for make in on)]

    return html_rows(
        rows,
        cells,
        label=lambda c: c.tracking_code,
        group_name=lambda c: c.bureau_name,
        **layout,
    )


# The inbox's columns after the tracking code, in the table's order.
INBOX_OPTIONAL = ("institution", "category", "channel", "status", "due_on", "handler", "district")
