"""Pagination whose count is capped: a page view never counts a whole province's rows.

Guarantees:
- The total is counted over at most `COUNT_CAP + 1` rows (`SELECT COUNT(*) FROM (… LIMIT
  10001)`), so the cost of a count does not grow with the scope; beyond the cap the total
  reads "10,000+" on pages and `count` is `10000` with `count_capped: true` in the API.
- Pages stay numbered as before; past the cap the paginator offers pages up to the cap
  (narrow the filters to reach older rows).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(rows, capped): the number of rows up to `cap` (COUNT_CAP), and whether there are more."""
    cap = COUNT_CAP if cap is None else cap
    if hasattr(queryset, "query"):
        # Only the key in the counted subquery: annotations need not be computed to count.
        counted = queryset.order_by().values("pk")[: cap + 1].count()
    else:
        counted = len(queryset[: cap + 1])
    return min(counted, cap), counted > cap


class CappedPaginator(Paginator):
    """Django's paginator with a count bounded by COUNT_CAP."""

    @cached_property
    def _capped(self):
        return capped_count(self.object_list)

    @cached_property
    def count(self):
        return self._capped[0]

    @property
    def count_capped(self) -> bool:
        return self._capped[1]

    def page(self, number):
        """As Django's, but a page past a capped count is not cut short at the cap."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not self.count_capped:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)


class CappedPageNumberPagination(PageNumberPagination):
    """The API's page-number pagination with a capped count. The response keeps its shape
    (`count`, `next`, `previous`, `results`) and adds `count_capped`."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {"type": "boolean", "example": False}
        return response
