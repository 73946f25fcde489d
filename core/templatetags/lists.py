"""The loops of the lists' controls (templates/includes: table_head, list_controls,
column_chooser, pagination) as tags: each gives the markup its template loop gave, escaped the
same way, without the template engine's ~2-4 nodes an item (issue 11: ~100 nodes a list page).
"""

from types import SimpleNamespace

from django import template
from django.template.defaulttags import querystring
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


def _esc(value) -> str:
    return conditional_escape(value)


def _query(request, **changes) -> str:
    """`{% querystring … %}` as the template tag gives it (escaped)."""
    return _esc(querystring(SimpleNamespace(request=request), **changes))


@register.simple_tag
def options(choices, chosen):
    """`<option>`s of `choices` ((value, label) pairs, or plain values that are their own
    label), the one equal to `chosen` selected."""
    out = []
    for choice in choices:
        value, label = choice if isinstance(choice, (tuple, list)) else (choice, choice)
        selected = " selected" if value == chosen else ""
        out.append(f'<option value="{_esc(value)}"{selected}>{_esc(label)}</option>')
    return mark_safe("".join(out))  # noqa: S308 - each value escaped


@register.simple_tag(takes_context=True)
def header_cells(context, table):
    """The `<th>`s of a core.tables list's header: a sort link on each sortable column."""
    request = context.request
    out = []
    for column in table.columns:
        header = _esc(column.header)
        if not column.orderable:
            out.append(f'\n  <th scope="col">{header}</th>\n  ')
            continue
        alias = column.order_by_alias
        link = _query(request, sort=alias.next, page=None)
        sort, arrow = "", ""
        if column.is_ordered:
            descending = alias.is_descending
            sort = f' aria-sort="{"descending" if descending else "ascending"}"'
            arrow = f'<span aria-hidden="true">{" ▼" if descending else " ▲"}</span>'
        out.append(
            f'\n  \n  <th scope="col"{sort}><a class="sort-link" href="{link}">{header}{arrow}'
            "</a></th>\n  \n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - each value escaped


@register.simple_tag(takes_context=True)
def kept_query_inputs(context):
    """Hidden inputs carrying the list's query string, but the column choice and the page."""
    out = []
    for key, values in context.request.GET.lists():
        if key not in ("col", "columns", "page"):
            name = _esc(key)
            out.extend(f'<input type="hidden" name="{name}" value="{_esc(v)}">' for v in values)
    return mark_safe("".join(out))  # noqa: S308 - each value escaped


@register.simple_tag
def column_checkboxes(choosable_columns):
    """The column chooser's checkboxes: (name, header, shown) each."""
    return mark_safe(  # noqa: S308 - each value escaped
        "".join(
            '<label class="form-check-label"><input class="form-check-input" type="checkbox" '
            f'name="col" value="{_esc(name)}"{" checked" if on else ""}> {_esc(header)}</label>'
            for name, header, on in choosable_columns
        )
    )


@register.simple_tag(takes_context=True)
def page_links(context, page_range, page):
    """The numbered page links: the current page marked, an ellipsis where pages are left out."""
    request = context.request
    ellipsis = page.paginator.ELLIPSIS
    out = []
    for n in page_range:
        if n == ellipsis:
            out.append('<li class="page-item disabled"><span class="page-link">…</span></li>')
        elif n == page.number:
            out.append(
                '<li class="page-item active" aria-current="page">'
                f'<span class="page-link">{_esc(n)}</span></li>'
            )
        else:
            out.append(
                f'<li class="page-item"><a class="page-link" href="{_query(request, page=n)}">'
                f"{_esc(n)}</a></li>"
            )
    return mark_safe("".join(out))  # noqa: S308 - each value escaped
