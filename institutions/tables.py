"""The columns of the registry list (core.tables): headers, and which of them sort; the
list's rows, read as values (RegistryRow), as HTML."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from bureaus.pages import choice_labels, pk_link
from core.tables import ListTable, ValuesRow, html_rows, sort, text
from institutions import rules
from institutions.models import Institution


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


class RegistryRow(ValuesRow):
    """One row of the registry list as its cells read it (core.tables.ValuesRow), from the
    list's values (`RegistryRow.of(queryset, districts=…)`, a page of them then `read`): the
    columns the list shows and nothing else. An Institution a row read all 22 columns (the
    search bigrams as an array, the contact phone decrypted) and took more of the page's Python
    than its SQL (issue 11)."""

    # The flags and the licence are the list's annotations (selectors.institution_annotate).
    COLUMNS = (
        ("id", "pk"),
        ("name", "name"),
        ("credit_code", "credit_code"),
        ("category", "category"),
        ("status", "status"),
        ("street__name", "street_name"),
        ("warning_codes", "warning_codes"),
        ("licence_number", "licence_number"),
        ("licence_expires_on", "licence_expires_on"),
        ("on_white", "on_white"),
        ("on_black", "on_black"),
        ("bureau_id", "bureau_id"),
    )
    # A superior's list names each row's district (its column and its groups).
    DISTRICT = (("bureau__name", "bureau_name"),)
    # The version of the street filter's options (selectors.streets_version), the same on
    # every row: the page's options without a query of their own.
    STREETS = (("streets_version", "streets_version"),)
    __slots__ = tuple(attr for _field, attr in COLUMNS + DISTRICT + STREETS)

    @classmethod
    def of(cls, queryset, *, districts: bool):
        """`queryset` (the list's, filtered and ordered, annotated with `streets_version`) as
        the values a row reads; with `districts`, each with its district's name."""
        return cls.values(queryset, cls.STREETS + (cls.DISTRICT if districts else ()))


def list_rows(rows, *, shown, **layout):
    """The registry list's rows (RegistryRow) as HTML (core.tables.html_rows): the markup the
    template's loop gave. `shown` says which optional columns are on; `layout` is html_rows'
    grouping and width."""
    labels = choice_labels(Institution, ("category", "status"))
    categories, statuses = labels["category"], labels["status"]
    detail = pk_link("institutions:institution-detail")
    today = timezone.localdate()
    no_expiry = text(gettext("No expiry"))
    none_on_file = format_html(
        '<span class="text-body-secondary">{}</span>', gettext("None on file")
    )
    white = format_html('<span class="badge text-bg-light border">{}</span>', gettext("White list"))
    black = format_html('<span class="badge text-bg-dark">{}</span>', gettext("Black list"))
    expired = format_html(' <span class="badge text-bg-danger">{}</span>', gettext("Expired"))
    on = [name for name in OPTIONAL if shown.get(name)]

    # The warnings cell by the row's codes, built once a request for each set of codes that
    # occurs (most rows share a few).
    badges = {}

    def warning_badges(codes):
        codes = tuple(codes)
        cell = badges.get(codes)
        if cell is None:
            cell = badges[codes] = "".join(
                format_html(
                    '<span class="warning-badge d-inline-block rounded px-1 me-1 mb-1 small">'
                    "{}</span>",
                    label,
                )
                for label in rules.labels(codes)
            )
        return cell

    def expired_on(i):
        return i.licence_expires_on is not None and i.licence_expires_on < today

    def cells(i):
        yield f'<td><a href="{text(detail(i.pk))}">{text(i.name)}</a></td>'
        for column in on:
            if column == "credit_code":
                yield f'<td class="font-monospace small">{text(i.credit_code or "—")}</td>'
            elif column == "category":
                yield f"<td>{text(categories.get(i.category, i.category))}</td>"
            elif column == "status":
                badge = _BADGE.get(i.status, "text-bg-secondary")
                label = text(statuses.get(i.status, i.status))
                yield f'<td><span class="badge {badge}">{label}</span></td>'
            elif column == "street":
                yield f"<td>{text(i.street_name or '—')}</td>"
            elif column == "licence":
                if i.licence_expires_on:
                    late = expired if expired_on(i) else ""
                    yield f"<td>{i.licence_expires_on.isoformat()}{late}</td>"
                else:
                    yield f"<td>{no_expiry if i.licence_number else none_on_file}</td>"
            elif column == "lists":
                yield f"<td>{white if i.on_white else ''}{black if i.on_black else ''}</td>"
            elif column == "warnings":
                yield f'<td class="row-warnings">{warning_badges(i.warning_codes)}</td>'
            else:  # district
                yield f'<td class="small">{text(i.bureau_name)}</td>'

    def row_class(i):
        return "licence-expired" if expired_on(i) else ""

    return html_rows(
        rows,
        cells,
        label=lambda i: i.name,
        row_class=row_class,
        group_name=lambda i: i.bureau_name,
        **layout,
    )
