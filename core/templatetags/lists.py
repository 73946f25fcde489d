"""The loops of the lists' controls (templates/includes: table_head, list_controls,
column_chooser, pagination) as tags: each gives the markup its template loop gave, escaped the
same way, without the template engine's ~2-4 nodes an item (issue 11: ~100 nodes a list page).
"""

from collections.abc import Iterable
from urllib.parse import urlencode

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from bureaus.templatetags.ui import translated
from core.tables import column_header

register = template.Library()


def _esc(value) -> str:
    return conditional_escape(value)


class _EncodedQuery:
    """A request's query string as `{% querystring %}` changes it, each parameter encoded once
    a request: Django's tag copies `request.GET` (a deep copy) and encodes every parameter
    again for each link, and a list page draws ~7 (its sort links, page links, previous and
    next; issue 11)."""

    __slots__ = ("encoding", "pieces", "query_dict")

    def __init__(self, query_dict):
        self.query_dict = query_dict
        self.encoding = query_dict.encoding
        self.pieces = {key: self.encode(key, values) for key, values in query_dict.lists()}

    def encode(self, key, values) -> list[str]:
        # As QueryDict.urlencode() encodes a value.
        encoding = self.encoding
        key = key.encode(encoding)
        return [urlencode({key: str(value).encode(encoding)}) for value in values]

    @classmethod
    def of(cls, request):
        kept = request.__dict__.get("_encoded_query")
        if kept is None or kept.query_dict is not request.GET:
            kept = request._encoded_query = cls(request.GET)
        return kept

    def changed(self, changes) -> str:
        """What `{% querystring **changes %}` gives for `request.GET` (unescaped)."""
        pieces = self.pieces.copy()
        for key, value in changes.items():
            if value is None:
                pieces.pop(key, None)
            elif isinstance(value, Iterable) and not isinstance(value, str):
                pieces[key] = self.encode(key, value)
            else:
                pieces[key] = self.encode(key, (value,))
        if not pieces and not self.query_dict:
            return ""
        return "?" + "&".join(piece for values in pieces.values() for piece in values)


def _query(request, **changes) -> str:
    """`{% querystring … %}` as the template tag gives it (escaped)."""
    return _esc(_EncodedQuery.of(request).changed(changes))


@register.simple_tag(name="querystring", takes_context=True)
def querystring(context, query_dict=None, **kwargs):
    """Django's `{% querystring %}` (loaded after it, `{% load lists %}` replaces it), the
    same string; for `request.GET`, from its parameters encoded once a request."""
    if query_dict is not None:
        return defaulttags.querystring(context, query_dict, **kwargs)
    return _EncodedQuery.of(context.request).changed(kwargs)


@register.simple_tag
def options(choices, chosen):
    """`<option>`s of `choices` ((value, label) pairs, or plain values that are their own
    label), the one equal to `chosen` selected."""
    out, language = [], get_language()
    for choice in choices:
        value, label = choice if isinstance(choice, (tuple, list)) else (choice, choice)
        selected = " selected" if value == chosen else ""
        label = _esc(translated(label, language))
        out.append(f'<option value="{_esc(value)}"{selected}>{label}</option>')
    return mark_safe("".join(out))  # noqa: S308 - each value escaped


# header_cells' markup by what it is made of (the table's class and orderability, its shown
# columns, its order, the language), with a place for each sort link's query string: the
# headers translated and django-tables2's ordering state worked out once, not per request.
_HEADERS: dict = {}
_HEADERS_MAX = 1024


@receiver(setting_changed)
def _forget(**kwargs):
    _HEADERS.clear()


@register.simple_tag(takes_context=True)
def header_cells(context, table):
    """The `<th>`s of a core.tables list's header: a sort link on each sortable column. The
    columns are the table class's (core.tables.ListTable: a table made with `exclude` only)."""
    columns = list(table.columns)
    key = (
        type(table),
        table.orderable,
        tuple(column.name for column in columns),
        tuple(table.order_by or ()),
        get_language(),
    )
    parts = _HEADERS.get(key)
    if parts is None:
        parts = _header_parts(columns)
        if len(_HEADERS) >= _HEADERS_MAX:
            _HEADERS.clear()
        _HEADERS[key] = parts
    request = context.request
    return mark_safe(  # noqa: S308 - each value escaped
        "".join(
            part if type(part) is str else _query(request, sort=part[0], page=None)
            for part in parts
        )
    )


def _header_parts(columns) -> list:
    """header_cells' markup as strings and, where a sort link goes, (the sort it asks,)."""
    out = []
    for column in columns:
        header = _esc(column_header(column))
        if not column.orderable:
            out.append(f'\n  <th scope="col">{header}</th>\n  ')
            continue
        alias = column.order_by_alias
        sort, arrow = "", ""
        if column.is_ordered:
            descending = alias.is_descending
            sort = f' aria-sort="{"descending" if descending else "ascending"}"'
            arrow = f'<span aria-hidden="true">{" ▼" if descending else " ▲"}</span>'
        out.append(f'\n  \n  <th scope="col"{sort}><a class="sort-link" href="')
        out.append((str(alias.next),))
        out.append(f'">{header}{arrow}</a></th>\n  \n  ')
    return out


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
    language = get_language()
    return mark_safe(  # noqa: S308 - each value escaped
        "".join(
            '<label class="form-check-label"><input class="form-check-input" type="checkbox" '
            f'name="col" value="{_esc(name)}"{" checked" if on else ""}> '
            f"{_esc(translated(header, language))}</label>"
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
