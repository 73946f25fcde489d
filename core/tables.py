"""The staff lists' controls, one way for every list: sortable columns, page size, page numbers,
column choice, a district filter and grouping for superiors.

A list declares a django-tables2 `Table` (its columns: header, whether and how it sorts) and
mixes `TableListMixin` into its `ScopedListView`; the template renders the header from
`table.columns` (includes/table_head.html) and its rows itself, inline (no per-row include or
per-cell call: the large lists are benchmarked).

Guarantees:
- Sorting only on the columns the table declares orderable (anything else in `?sort=` is
  ignored), each with `id` last so that pages are stable, and only on indexed or small keys.
- The page size is one of PAGE_SIZES; page numbers come from the capped paginator
  (bureaus.paging: a count never reads more than 10,001 rows).
- The shown columns are remembered per user and list in the session.
- Sorting, page numbers and column choice add no query per row.
- Saved filters (core.models.SavedFilter): a user names the list's current filter set and
  re-applies it from the list's menu; one query per list page. Applied, a saved filter keeps
  only the parameters the list knows today (a renamed or removed filter is dropped, never a
  500).
"""

import copy
import html
import unicodedata
from collections import OrderedDict

import django_tables2 as tables
from django import forms
from django.db.models import F
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from bureaus.templatetags.ui import translated
from core.api import compiled
from core.compiled import MARK, MARK2, Compiled
from core.models import SavedFilter

PAGE_SIZES = (25, 50, 100)
# The controls' own parameters, which a saved filter keeps beside the list's filters.
CONTROL_PARAMS = ("sort", "per_page", "district", "group")
# Every list by its key (a list registers when its class is made): the saved filters' views
# accept only these keys.
LISTS: dict[str, type] = {}
# The statement of a list's saved filters by the list's key (TableListMixin.saved_filters).
_SAVED: dict[str, Compiled] = {}


class _DeclaredColumns(OrderedDict):
    """A table class's columns (`base_columns`): each table made for a request deep-copies
    them (django-tables2), lazy headers, sort keys and all; a copy of each column serves as
    well (a table sets attributes on its own columns, never inside them), at a fraction of the
    cost (issue 11)."""

    def __deepcopy__(self, memo):
        return OrderedDict((name, copy.copy(column)) for name, column in self.items())


class ListTable(tables.Table):
    """The base of the lists' tables: rows are rendered by the list's template. A subclass's
    Meta derives from ListTable.Meta (django-tables2 does not inherit it otherwise), so that a
    column sorts only when it says so."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle table-stack"}
        orderable = False  # a column sorts only when it says so

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.base_columns = _DeclaredColumns(cls.base_columns)


def sort(*keys):
    """A column's sort keys with the id tiebreak: `sort("name")` orders by (name, id)."""
    return (*keys, "id")


class TableListMixin:
    """For a ScopedListView: call `self.table_order(queryset)` at the end of scope_queryset."""

    table_class: type[ListTable]
    list_key = ""  # the session key of this list's choices
    default_hidden: tuple[str, ...] = ()
    district_field = "bureau"  # the record's district, for the filter and the grouping
    extra_params: tuple[str, ...] = ()  # query parameters the list reads beyond its filterset

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.list_key:
            LISTS.setdefault(cls.list_key, cls)
        cls._compiled_shapes = compiled.Shapes()

    # -- rows compiled once per request shape ------------------------------------------------
    def compiled_rows(self, rows, counted=None):
        """The list's rows as the compiled APIs read theirs (core.api.compiled): the capped
        count and each page by SQL compiled once per process for the request's shape (the
        scope, the user, today, the query string), the rows as dicts; `rows()` builds their
        queryset (`.values()`, filtered and ordered) only when that shape is new, and
        `counted()`, if given, the queryset counted (the same rows before a `.values()` whose
        expressions join what a count need not read). For a list whose SQL depends on nothing
        else, with `paginator_class = CompiledPaginator`; without an acting membership,
        `rows()`."""
        key = compiled.request_shape(self.membership, self.request.user, self.request.GET)
        if key is None:
            return rows()
        return compiled.CompiledRows(self._compiled_shapes, key, rows, counted)

    # -- saved filters -------------------------------------------------------------------
    def filter_params(self) -> set[str]:
        """The query parameters this list knows: its filterset's, the controls', any extra."""
        known = set(CONTROL_PARAMS) | set(self.extra_params)
        filterset = getattr(self, "filterset", None)
        if filterset is not None:
            known |= set(filterset.form.fields)
        return known

    def saved_filters(self):
        """The user's saved filters of this list in the acting bureau as dicts (`pk`, `name`,
        `query`, and `link`: only the parameters the list knows today); one query, compiled
        once per process and list (core.compiled)."""
        membership = self.membership
        if membership is None or not self.list_key:
            return []
        known = self.filter_params()
        statement = _SAVED.get(self.list_key)
        if statement is None:
            mine = SavedFilter.objects.filter(user_id=MARK, bureau_id=MARK2, list_key=self.list_key)
            statement = _SAVED[self.list_key] = Compiled.of(mine.values("id", "name", "query"))
        saved = statement.rows_at({MARK: self.request.user.pk, MARK2: membership.bureau_id})
        for item in saved:
            item["pk"] = item["id"]
            item["link"] = "?" + known_query(item["query"], known)
        return saved

    # -- district filter and grouping (superiors only) -----------------------------------
    def districts(self) -> list[tuple[int, str]]:
        """(id, name) of the districts under the acting bureau, in path order; empty for a
        district user. Read with the scope's own query (Bureau.subtree_ids), not one more."""
        membership = self.membership
        if membership is None or membership.bureau.is_district:
            return []
        return membership.bureau.subtree_districts()

    def district_filter(self, queryset):
        self.district_choices = list(self.districts())
        chosen = self.request.GET.get("district", "")
        self.district_chosen = ""
        if chosen.isdigit() and any(pk == int(chosen) for pk, _name in self.district_choices):
            self.district_chosen = int(chosen)
            queryset = queryset.filter(**{f"{self.district_field}_id": self.district_chosen})
        self.grouped = bool(self.district_choices) and self.request.GET.get("group") == "district"
        return queryset

    # -- columns -------------------------------------------------------------------------
    def hidden_columns(self):
        key = f"list-columns:{self.list_key}"
        names = [c for c in self.table_class.base_columns if c not in self.always_shown()]
        if self.request.GET.get("columns") == "1":  # the column chooser was submitted
            shown = set(self.request.GET.getlist("col"))
            hidden = [c for c in names if c not in shown]
            self.request.session[key] = hidden
            return hidden
        stored = self.request.session.get(key)
        if stored is None:
            return list(self.default_hidden)
        return [c for c in stored if c in names]

    def always_shown(self):
        return tuple(self.table_class.base_columns)[:1]  # the first column links to the record

    # -- ordering ------------------------------------------------------------------------
    def table_order(self, queryset):
        """The queryset filtered by district, sorted as asked; builds `self.table`."""
        queryset = self.district_filter(queryset)
        hidden = self.hidden_columns()
        if not self.district_choices and "district" in self.table_class.base_columns:
            hidden = [*hidden, "district"]
        self.table = self.table_class(queryset, exclude=hidden)
        RequestConfig(self.request, paginate=False).configure(self.table)
        ordered = self.table.data.data
        if self.grouped:
            keys = list(ordered.query.order_by or self.model._meta.ordering)
            # By the district's id first: the lists' (bureau, …, id) indexes serve that order.
            ordered = ordered.order_by(f"{self.district_field}_id", *keys)
        return ordered

    # -- page size -----------------------------------------------------------------------
    def get_paginate_by(self, queryset):
        key = f"list-page-size:{self.list_key}"
        asked = self.request.GET.get("per_page", "")
        if asked.isdigit() and int(asked) in PAGE_SIZES:
            self.request.session[key] = int(asked)
        size = self.request.session.get(key, self.paginate_by)
        return size if size in PAGE_SIZES else self.paginate_by

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = self.table
        visible = [column.name for column in table.columns]
        # Every column by name, False when hidden: `{% if shown.x %}` on a missing key costs a
        # failed attribute look-up and a dir() in the template engine.
        shown = dict.fromkeys(self.table_class.base_columns, False) | dict.fromkeys(visible, True)
        context.update(
            table=table,
            shown=shown,
            columns_shown=len(visible),
            choosable_columns=[
                (column.name, column_header(column), shown.get(column.name, False))
                for column in table.columns.all()
                if column.name not in self.always_shown()
                and (column.name != "district" or self.district_choices)
            ],
            page_sizes=PAGE_SIZES,
            page_size=context["paginator"].per_page if context.get("paginator") else None,
            district_choices=self.district_choices,
            district_chosen=self.district_chosen,
            grouped=self.grouped,
            saved_filters=self.saved_filters(),
            saved_filter_list=self.list_key,
            current_query=known_query(self.request.GET, self.filter_params()),
            # The sort kept by the filter form (includes/list_controls.html): looked up in the
            # template, a missing `request.GET.sort` raised and caught three exceptions.
            current_sort=self.request.GET.get("sort", ""),
        )
        if context.get("page_obj") is not None:
            page = context["page_obj"]
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context


def column_header(column) -> str:
    """A bound column's header as django-tables2 gives it (the column's own, else its verbose
    name), a lazy translation translated once per language (bureaus' ui.translated): the
    header cells and the column chooser translated each header twice a request (issue 11)."""
    return translated(column.column.header) or column.header


def known_query(query: str | QueryDict, known) -> str:
    """`query` (a query string or a QueryDict) keeping only the parameters in `known` (in their
    order), each value at most 200 characters and 20 values a parameter."""
    kept = QueryDict(mutable=True)
    for key, values in (QueryDict(query) if isinstance(query, str) else query).lists():
        if key in known:
            kept.setlist(key, [v[:200] for v in values[:20] if v != ""])
    return kept.urlencode()


def saved_query(query: str) -> str:
    """What a saved filter keeps of a list's query string: not the page, not the column
    choice (remembered apart), at most 1,000 characters."""
    drop = {"page", "columns", "col", "csrfmiddlewaretoken"}
    kept = QueryDict(mutable=True)
    for key, values in QueryDict(query).lists():
        if key not in drop:
            kept.setlist(key, [v[:200] for v in values[:20] if v != ""])
    return kept.urlencode()[:1000]


def text(value) -> str:
    """`value` escaped for HTML, as django.utils.html.escape gives it (html.escape of str()),
    without its lazy-string wrapper: called for every cell of a list's rows (issue 11)."""
    return html.escape(str(value))


def truncated(value: str, length: int) -> str:
    """Truncator(value).chars(length), with its cost (a translated ellipsis, a walk over the
    characters) only for a value longer than `length`."""
    if len(value) <= length:
        return unicodedata.normalize("NFC", value)  # what Truncator returns for a short one
    return Truncator(value).chars(length)


class ValuesRow:
    """One row of a list as its cells read it, from the list's queryset as values: no model
    instance a row, nor one of each related row (issue 11). A subclass declares `COLUMNS`, (the
    query's field, the row's attribute) pairs, and `__slots__` of those attributes. Each value
    is read under an alias no ordering names: `.values("status")` with `ORDER BY status` would
    be written `ORDER BY 6` (Django orders by a selected column's position), hiding which index
    serves the order from whoever reads the SQL (tests/core/test_lists.py)."""

    COLUMNS: tuple = ()
    __slots__ = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._READ = _aliased(cls.COLUMNS)

    def __init__(self, values):
        for key, value in values.items():
            setattr(self, key[4:], value)  # "row_" and the attribute

    @classmethod
    def values(cls, queryset, extra: tuple = ()):
        """`queryset` as the values a row reads, with the `extra` (field, attribute) columns."""
        return queryset.values(**(cls._READ | _aliased(extra) if extra else cls._READ))

    @classmethod
    def read(cls, rows) -> list:
        """The rows of `values` (a queryset or the compiled page's dicts)."""
        return [cls(values) for values in rows]


def _aliased(columns) -> dict:
    return {f"row_{attr}": F(field) for field, attr in columns}


def html_rows(
    rows, cells, *, label, grouped, columns_shown, row_class=None, group_name=None
) -> list:
    """A list's rows as HTML, one string a row, for the lists whose template nodes per row
    (~25) were the page's largest cost (issue 11). Each row: the checkbox of the bulk form
    (labelled "Select <label(row)>"), then `cells(row)`, its other `<td>`s, each value escaped
    by it; `row_class(row)` a class for the `<tr>` or "". With the grouping on, a header row
    comes before each district's first row (`group_name(row)`, by default `row.bureau.name`)."""
    select_label = text(gettext("Select"))
    out, group = [], object()
    for row in rows:
        if grouped and row.bureau_id != group:
            group = row.bureau_id
            out.append(
                format_html(
                    '<tr class="table-group"><th colspan="{}" scope="rowgroup">{}</th></tr>',
                    columns_shown + 1,
                    group_name(row) if group_name else row.bureau.name,
                )
            )
        css = row_class(row) if row_class else ""
        parts = [
            f'<tr class="{css}">' if css else "<tr>",
            '<td class="table-select"><input class="form-check-input" type="checkbox" '
            f'name="id" value="{int(row.pk)}" form="bulk" '
            f'aria-label="{select_label} {text(label(row))}"></td>',
            *cells(row),
            "</tr>",
        ]
        out.append(mark_safe("\n  ".join(parts)))  # noqa: S308 - each value escaped
    return out


def joined_rows(rows) -> str:
    """html_rows' rows as one string, laid out as a template's `{% for row in rows %}` loop
    gave them (one node for the whole body instead of two a row)."""
    return mark_safe("".join(f"\n    {row}\n  " for row in rows))  # noqa: S308 - html_rows'


ALL = _("All")


def empty_reads_all(form):
    """Every drop-down of a filter form offers 全部 as its empty choice, not “---------”."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = ALL
        if isinstance(field, forms.ModelChoiceField):
            continue  # its lazy choices read empty_label (and listing them here would query)
        if isinstance(field, forms.ChoiceField):
            field.widget.choices = [
                ("", ALL) if value == "" else (value, label) for value, label in field.choices
            ]
    return form
