"""The columns of the tip-off inbox and the supervision-order list (core.tables), and the
inbox's rows as HTML."""

from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from bureaus.pages import choice_labels, pk_link
from complaints.models import Complaint
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


class InboxRow:
    """One row of the inbox as its cells read it, from the page's queryset as values
    (`InboxRow.read(page)` of `InboxRow.values(queryset)`): no model instance a row, nor one
    of its district and handler (issue 11)."""

    # (the query's field, the row's attribute)
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
    NAMES = tuple(attr for _field, attr in COLUMNS)
    __slots__ = NAMES
    # Each value under an alias no ordering names: `.values("status")` with `ORDER BY status`
    # would be written `ORDER BY 6` (Django orders by a selected column's position), hiding
    # which index serves the order from whoever reads the SQL (tests/core/test_lists.py).
    _READ = {f"row_{attr}": F(field) for field, attr in COLUMNS}

    def __init__(self, values):
        for name in self.NAMES:
            setattr(self, name, values[f"row_{name}"])

    @classmethod
    def values(cls, queryset):
        """`queryset` as the values a row reads."""
        return queryset.values(**cls._READ)

    @classmethod
    def read(cls, rows) -> list:
        """The page's rows: InboxRow.values of its queryset, or those values read already
        (the compiled page's dicts)."""
        return [cls(values) for values in rows]

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
    on = [name for name in INBOX_OPTIONAL if shown.get(name)]

    def cells(c):
        code = text(c.tracking_code)
        yield f'<td><a href="{text(detail(c.pk))}">{code}</a></td>'
        for name in on:
            if name == "institution":
                cell = text(truncated(c.institution_name, 30))
            elif name == "category":
                cell = text(categories.get(c.category, c.category))
            elif name == "channel":
                cell = text(channels.get(c.channel, c.channel))
            elif name == "status":
                late = overdue if c.status in open_statuses and c.due_on < today else ""
                badge = _BADGE.get(c.status, "text-bg-primary")
                label = text(statuses.get(c.status, c.status))
                cell = f'<span class="badge {badge}">{label}</span>{late}'
            elif name == "due_on":
                cell = f"{c.due_on.isoformat()}{calendar_warning(c.due_on)}"
            elif name == "handler":
                handler = c.handler
                cell = text(handler) if handler else "—"
            else:  # district
                cell = text(c.bureau_name)
            yield f"<td>{cell}</td>"

    return html_rows(
        rows,
        cells,
        label=lambda c: c.tracking_code,
        group_name=lambda c: c.bureau_name,
        **layout,
    )


# The inbox's columns after the tracking code, in the table's order.
INBOX_OPTIONAL = ("institution", "category", "channel", "status", "due_on", "handler", "district")
