"""The columns of the registry list (core.tables): headers, and which of them sort; the
list's rows as HTML."""

from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from core.tables import ListTable, html_rows, sort, text


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


# The status badge's colour by status (as institutions/_status.html).
_BADGE = {
    "normal": "text-bg-success",
    "suspended": "text-bg-warning",
    "banned": "text-bg-danger",
    "preparing": "text-bg-info",
}
# The list's columns after the name, in the table's order.
OPTIONAL = (
    "credit_code",
    "category",
    "status",
    "street",
    "licence",
    "lists",
    "warnings",
    "district",
)


def list_rows(rows, *, shown, **layout):
    """The registry list's rows as HTML (core.tables.html_rows): the markup the template's
    loop gave. Each row carries `category_label`, `status_label`, `detail_url`,
    `warning_labels` and `licence_expired` (the list view sets them); `layout` is html_rows'
    grouping and width."""
    no_expiry = text(gettext("No expiry"))
    none_on_file = format_html(
        '<span class="text-body-secondary">{}</span>', gettext("None on file")
    )
    white = format_html('<span class="badge text-bg-light border">{}</span>', gettext("White list"))
    black = format_html('<span class="badge text-bg-dark">{}</span>', gettext("Black list"))
    expired = format_html(' <span class="badge text-bg-danger">{}</span>', gettext("Expired"))
    on = [name for name in OPTIONAL if shown.get(name)]

    def cells(i):
        yield f'<td><a href="{text(i.detail_url)}">{text(i.name)}</a></td>'
        for column in on:
            if column == "credit_code":
                yield f'<td class="font-monospace small">{text(i.credit_code or "—")}</td>'
            elif column == "category":
                yield f"<td>{text(i.category_label)}</td>"
            elif column == "status":
                badge = _BADGE.get(i.status, "text-bg-secondary")
                yield f'<td><span class="badge {badge}">{text(i.status_label)}</span></td>'
            elif column == "street":
                street = i.street.name if i.street_id else ""
                yield f"<td>{text(street or '—')}</td>"
            elif column == "licence":
                if i.licence_expires_on:
                    late = expired if i.licence_expired else ""
                    yield f"<td>{i.licence_expires_on.isoformat()}{late}</td>"
                else:
                    yield f"<td>{no_expiry if i.licence_number else none_on_file}</td>"
            elif column == "lists":
                yield f"<td>{white if i.on_white else ''}{black if i.on_black else ''}</td>"
            elif column == "warnings":
                badges = "".join(
                    format_html(
                        '<span class="warning-badge d-inline-block rounded px-1 me-1 mb-1 small">'
                        "{}</span>",
                        label,
                    )
                    for label in i.warning_labels
                )
                yield f'<td class="row-warnings">{badges}</td>'
            else:  # district
                yield f'<td class="small">{text(i.bureau.name)}</td>'

    def row_class(i):
        return "licence-expired" if i.licence_expired else ""

    return html_rows(rows, cells, label=lambda i: i.name, row_class=row_class, **layout)
