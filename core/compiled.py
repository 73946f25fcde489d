"""A statement as the ORM compiled it, kept per process and run again (issue 11).

Building a queryset and compiling it to SQL can cost more CPU than the statement takes to run.
Where a query's SQL is the same from one request to the next but for a value, it is compiled
once: `Compiled.of(queryset, mark=MARK)` on a queryset built with `MARK` where the value goes
notes where `MARK` landed among the parameters, and `rows_for(value)` runs the statement with
the value there (`rows_at` for more than one value, each with its mark). The SQL is Django's
own; the rows are the dicts `.values()` gives (Django's converters applied). Users: the
compiled list and detail APIs (core.api.compiled), the public registry pages
(institutions.selectors.public), the inbox page's rows, notifications and saved filters.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections

MARK = -987_654_321  # stands for a value while compiling: no key or id is negative
MARK2 = MARK - 1  # a second value of the same statement (rows_at)
EMPTY = object()  # a queryset that compiles to nothing (Django's EmptyResultSet)


class Compiled:
    """One statement as Django compiled it: SQL, parameters, the names of the values, the
    converters of their columns, the database alias, and where a mark stands among the
    parameters."""

    __slots__ = ("converters", "marks", "names", "params", "sql", "using")

    def __init__(self, sql, params, names, converters, using, marks=()):
        self.sql, self.params, self.names, self.converters = sql, params, names, converters
        self.using = using  # the database alias the queryset read from
        self.marks = marks

    @classmethod
    def of(cls, queryset, *, mark=None):
        """The statement of a `.values()` queryset, or EMPTY; with `mark`, the positions of the
        parameters equal to it."""
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return EMPTY
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        marks = () if mark is None else tuple(i for i, p in enumerate(params) if p == mark)
        return cls(sql, tuple(params), names, converters, queryset.db, marks)

    def rows(self, params=None) -> list[dict]:
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params if params is None else params)
            rows = cursor.fetchall()
        names, converters = self.names, self.converters
        if rows and len(rows[0]) > len(names):  # columns selected for the order only
            rows = [row[: len(names)] for row in rows]
        if converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for position, (functions, expression) in converters.items():
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        return [dict(zip(names, row, strict=True)) for row in rows]

    def rows_at(self, values: dict) -> list[dict]:
        """The rows with each mark of `values` ({MARK: …, MARK2: …}) replaced by its value."""
        return self.rows([values.get(p, p) if type(p) is int else p for p in self.params])

    def rows_for(self, value) -> list[dict]:
        """The rows with `value` where the mark stood."""
        params = list(self.params)
        for position in self.marks:
            params[position] = value
        return self.rows(params)
