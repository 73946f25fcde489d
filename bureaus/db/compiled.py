"""A model's row by primary key with its SQL compiled once per process.

Compiling `Model.objects.get(pk=…)` costs more CPU than the round trip it makes: for the
signed-in user's row, read on every request by Django's session authentication, 0.5 ms of
the FLOOR request's 2.7 ms of CPU against 0.05 ms for the statement itself (issue 11). The
statement the ORM compiles for a manager's plain `get(pk=…)` is the same every time but for
the value, so it is compiled once (by the ORM: same SQL, same columns) and then only executed.

Guarantee: `get_by_pk(manager, value)` returns what `manager.get(pk=value)` returns — the same
row read by the same statement through the connection's cursor (so its execute wrappers apply:
row-level security, query counting), built with `Model.from_db`, the same DoesNotExist, the
same ValueError for a value that is not a key — or runs the ORM's `get(pk=value)` itself when
the fast path does not apply (a key of another type, a queryset CompiledGet cannot stand for).
The statement and the instance are CompiledGet's (below), as for a scoped API's record.
"""

from django.db import connections

# (model, database alias) → its CompiledGet by primary key, or None when the ORM's own path
# must be taken.
_compiled: dict = {}
_PLACEHOLDER = -987654321
_BIGINT = (-(2**63), 2**63 - 1)


def get_by_pk(manager, value):
    """`manager.get(pk=value)` without compiling the statement again."""
    alias = manager.db
    model = manager.model
    key = (model, alias)
    if key not in _compiled:
        integer_key = model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
        queryset = manager.get_queryset().using(alias)
        _compiled[key] = CompiledGet.of(queryset, "pk") if integer_key else None
    compiled = _compiled[key]
    if compiled is None or not isinstance(value, (int, str)) or isinstance(value, bool):
        return manager.get_queryset().get(pk=value)
    # The ORM's own conversion: "12" → 12, and its ValueError for a value that is not a key.
    value = model._meta.pk.get_prep_value(value)
    if not _BIGINT[0] <= value <= _BIGINT[1]:
        return manager.get_queryset().get(pk=value)  # the ORM answers "does not exist" itself
    instance = compiled.get(value)
    if instance is None:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    return instance


class CompiledGet:
    """`queryset.get(<field>=value)` for model instances (select_related and annotations
    included), its SQL compiled once and run again with another value: what `QuerySet.get` and
    `ModelIterable` do, without building and compiling the queryset each time (issue 11: a
    scoped API detail spent more CPU on that than on its statement).

    Guarantee: `of(queryset, field)` is the statement the ORM's `queryset.get(field=…)` runs
    (the same filter, ordering cleared, the same limit of MAX_GET_RESULTS), or None when this
    cannot stand for it (values or prefetching querysets, known related objects, a combinator,
    FOR UPDATE, a field whose value is not a plain parameter). `get(value)` runs it through the
    connection's cursor (row-level security and query counting apply) and builds the instance
    as `ModelIterable` does (`from_db`, the related populators, annotations, the columns'
    converters); it returns None for no row, and raises MultipleObjectsReturned as `get` does.
    Only the SQL is kept; every call reads the database."""

    __slots__ = (
        "annotations",
        "col_count",
        "converters",
        "init_list",
        "limit",
        "mark",
        "model",
        "params",
        "populators",
        "span",
        "sql",
        "using",
    )

    @classmethod
    def of(cls, queryset, field: str):
        from django.core.exceptions import EmptyResultSet
        from django.db.models.query import MAX_GET_RESULTS, ModelIterable, get_related_populators

        query = queryset.query
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
            or query.combinator
            or query.select_for_update
        ):
            return None
        clone = queryset.filter(**{field: _PLACEHOLDER})
        if query.can_filter() and not query.distinct_fields:
            clone = clone.order_by()
        clone.query.set_limits(high=MAX_GET_RESULTS)
        compiler = clone.query.get_compiler(using=clone.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        marks = [i for i, p in enumerate(params) if p == _PLACEHOLDER and type(p) is int]
        klass_info = compiler.klass_info
        if len(marks) != 1 or klass_info is None:
            return None
        self = cls()
        self.sql, self.params, self.mark, self.using = sql, tuple(params), marks[0], clone.db
        self.limit = MAX_GET_RESULTS
        select = compiler.select
        fields = klass_info["select_fields"]
        self.model = klass_info["model"]
        self.span = (fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[slice(*self.span)]]
        self.populators = get_related_populators(klass_info, select, clone.db)
        self.annotations = dict(compiler.annotation_col_map or {})
        self.col_count = compiler.col_count
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        return self

    def get(self, value):
        params = list(self.params)
        params[self.mark] = value
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return None
        if len(rows) > 1:  # as QuerySet.get says it
            count = len(rows) if len(rows) < self.limit else f"more than {len(rows) - 1}"
            raise self.model.MultipleObjectsReturned(
                f"get() returned more than one {self.model._meta.object_name} -- it returned "
                f"{count}!"
            )
        row = rows[0][: self.col_count]
        if self.converters:
            row = list(row)
            for position, (functions, expression) in self.converters.items():
                converted = row[position]
                for function in functions:
                    converted = function(converted, expression, connection)
                row[position] = converted
        instance = self.model.from_db(self.using, self.init_list, row[slice(*self.span)])
        for populator in self.populators:
            populator.populate(row, instance)
        for name, position in self.annotations.items():
            setattr(instance, name, row[position])
        return instance
