"""Scoped list and detail APIs whose SQL is compiled once per request shape (issue 11).

On the list APIs the Python above the framework's fixed cost went mostly into building the
same querysets again on every request (the scope, the `.values()` with its expressions, the
filters) and compiling them to SQL, for the capped count and for the page: more than the SQL
itself took to run. `CompiledListMixin` keeps, per process, the SQL Django compiles for a list
request, under a key made of everything that SQL is made from, and runs it again for the next
request with the same key without building a queryset.

Guarantees:
- The SQL is Django's own: on a miss the request goes the ordinary way (`get_queryset()`, the
  scope and `scope_queryset`, then `filter_queryset`, which validates the filters: a bad
  filter is the same 400), and what that queryset compiles to is kept. Only SQL and
  parameters are kept, never rows: every request reads the database.
- The key is everything the list's SQL depends on: the acting membership and the ids of its
  bureau subtree (what `visible_to` filters on), the user (a filter on "mine"), today's date
  (the overdue filter), the capped count's cap and the whole query string (filters, page).
  A viewset whose list SQL depends on anything else must not use this mixin.
- A user with no acting membership, and a request with a body or another method, go the
  ordinary way.
- The rows are the dicts `.values()` gives (Django's converters applied), for serializers that
  read a list row as a dict.
- At most `COMPILED_SHAPES` keys per process (the oldest dropped first).

`CompiledDetailMixin` does the same for a record's own URL (`retrieve`): one statement per
scope, the record's id its parameter; a record not found, or an id that is not a number
PostgreSQL's bigint holds, goes the ordinary way (the same 404).
"""

import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework.response import Response

from bureaus import paging
from core.compiled import EMPTY, MARK, Compiled

COMPILED_SHAPES = 512


def _count_of(queryset, cap):
    """The capped count's statement (bureaus.paging.capped_count): the rows counted over at
    most `cap + 1` of them, the key alone selected."""
    inner = queryset.order_by().values("pk")[: cap + 1]
    try:
        sql, params = inner.query.get_compiler(inner.db).as_sql()
    except EmptyResultSet:
        return EMPTY
    counted = f"SELECT COUNT(*) FROM ({sql}) capped"  # noqa: S608 (Django's compiled SQL)
    return Compiled(counted, tuple(params), ["count"], {}, inner.db)


class Shapes:
    """The compiled statements of this process, the least recently used dropped first. Shared
    by a threaded worker's threads, hence the lock."""

    def __init__(self):
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > COMPILED_SHAPES:
                self._entries.popitem(last=False)

    def __len__(self):
        return len(self._entries)


def request_shape(membership, user, params):
    """The key of a list request's SQL (see the module's guarantees): the acting membership and
    its subtree's ids, the user, today and the query string `params` (a QueryDict); None
    without an acting membership."""
    if membership is None:
        return None
    return (
        membership.pk,
        membership.bureau_id,
        tuple(membership.bureau.subtree_ids()),
        user.pk,
        timezone.localdate(),
        tuple(sorted((name, tuple(values)) for name, values in params.lists())),
    )


class CompiledRows:
    """The object list the paginator pages through: the capped count and a slice of rows, each
    from its statement compiled once per key (from `queryset()` on a miss)."""

    def __init__(self, shapes: Shapes, key, queryset, counted=None):
        self.shapes, self.key, self._queryset, self._built = shapes, key, queryset, None
        # The queryset counted, if not `queryset()`: the rows' before the `.values()` whose
        # expressions join other tables, which a count need not read (issue 11).
        self._counted = counted

    def queryset(self):
        if self._built is None:
            self._built = self._queryset()
        return self._built

    def capped_count(self, cap: int) -> tuple[int, bool]:
        key = (self.key, "count", cap)
        compiled = self.shapes.get(key)
        if compiled is None:
            counted = self._counted() if self._counted is not None else self.queryset()
            compiled = _count_of(counted, cap)
            self.shapes.put(key, compiled)
        counted = 0 if compiled is EMPTY else compiled.rows()[0]["count"]
        return min(counted, cap), counted > cap

    def __getitem__(self, bounds: slice) -> list[dict]:
        key = (self.key, "rows", bounds.start, bounds.stop)
        compiled = self.shapes.get(key)
        if compiled is None:
            compiled = Compiled.of(self.queryset()[bounds])
            self.shapes.put(key, compiled)
        return [] if compiled is EMPTY else compiled.rows()


class CompiledPaginator(paging.CappedPaginator):
    def page(self, number):
        """As CappedPaginator's, but the last page read with the page's full LIMIT (the same
        rows, with no orphans): one statement a page, whatever the count; none when the count
        found no row (as Django's paginator, whose empty slice sends no query)."""
        if not isinstance(self.object_list, CompiledRows) or self.orphans:
            return super().page(number)
        number = self.validate_number(number)
        if self.count == 0:
            return self._get_page([], number, self)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    @cached_property
    def _capped(self):
        if isinstance(self.object_list, CompiledRows):
            return self.object_list.capped_count(paging.COUNT_CAP)
        return paging.capped_count(self.object_list)


class CompiledPagination(paging.CappedPageNumberPagination):
    django_paginator_class = CompiledPaginator


class CompiledListMixin:
    """For a ScopedViewSet whose list rows are `.values()` dicts (see the module's guarantees
    for what its list SQL may depend on). Put it before the viewset's bases."""

    pagination_class = CompiledPagination
    # Query parameters whose validation reads the database (a ModelChoiceFilter's choices): a
    # request naming one goes the ordinary way, so a record gone since is still a 400.
    compiled_list_uncached_params: frozenset = frozenset()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._compiled_shapes = Shapes()

    def compiled_list_key(self):
        if self.request.method != "GET":
            return None
        if not self.compiled_list_uncached_params.isdisjoint(self.request.query_params):
            return None
        return request_shape(self.membership, self.request.user, self.request.query_params)

    def list(self, request, *args, **kwargs):
        key = self.compiled_list_key()
        if key is None:
            return super().list(request, *args, **kwargs)
        rows = CompiledRows(
            self._compiled_shapes, key, lambda: self.filter_queryset(self.get_queryset())
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CompiledDetailMixin:
    """For a ScopedViewSet whose `retrieve` reads a `.values()` row (its `scope_queryset`
    returns one for the action) whose SQL depends only on the scope and the record's id. Put it
    before the viewset's bases."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._compiled_details = Shapes()

    def _compiled_detail(self, membership):
        key = (
            membership.pk,
            membership.bureau_id,
            tuple(membership.bureau.subtree_ids()),
            timezone.localdate(),  # as the list's: nothing compiled survives a day
        )
        found = self._compiled_details.get(key)
        if found is None:
            queryset = self.filter_queryset(self.get_queryset())
            found = Compiled.of(queryset.filter(**{self.lookup_field: MARK}), mark=MARK)
            if found is EMPTY or len(found.marks) != 1:
                return None  # not a query of the id alone: the ordinary way
            self._compiled_details.put(key, found)
        return found

    def retrieve(self, request, *args, **kwargs):
        membership = self.membership
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        found = None
        # An id PostgreSQL's bigint holds (a longer one: the ordinary way, Django's 404).
        if (
            membership is not None
            and request.method == "GET"
            and value.isascii()
            and value.isdigit()
            and len(value) <= 18
        ):
            found = self._compiled_detail(membership)
        if found is None:
            return super().retrieve(request, *args, **kwargs)
        rows = found.rows_for(int(value))
        if not rows:
            return super().retrieve(request, *args, **kwargs)  # the ordinary 404
        self.check_object_permissions(request, rows[0])
        return Response(self.get_serializer(rows[0]).data)
