from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.permissions import SAFE_METHODS

from bureaus.api.base import ScopedCreateMixin, ScopedViewSet
from core.api.compiled import CompiledDetailMixin, CompiledListMixin
from institutions import selectors
from institutions.api.serializers import ROW_FIELDS, InstitutionSerializer
from institutions.filters import InstitutionFilterSet
from institutions.models import Institution


@extend_schema_view(
    list=extend_schema(
        summary="List institutions",
        description="The registry of the caller's bureau subtree, filtered and paginated "
        "(50 per page). `q` searches name, pinyin initials or credit code.",
    ),
    retrieve=extend_schema(summary="One institution"),
    create=extend_schema(
        summary="Register an institution",
        description="Rules of seed 003 §12 §13 apply; a bad credit code check digit is a 400.",
    ),
    update=extend_schema(summary="Change what is on file (status has its own page)"),
    partial_update=extend_schema(summary="Change some fields"),
)
class InstitutionViewSet(
    CompiledListMixin,
    CompiledDetailMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedCreateMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """The registry of the caller's subtree. The list and an institution's detail read values
    rows by SQL compiled once per request shape (core.api.compiled: the list's depends on the
    scope, the user, today and the query string; the detail's on the scope and the id)."""

    queryset = Institution.objects.all()
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilterSet
    permission_object = "institution"
    compiled_list_uncached_params = frozenset({"street"})

    def scope_queryset(self, queryset):
        # Reads need no street or bureau row (the JSON gives their ids); the list reads rows
        # as dicts (ROW_FIELDS), no model instance a row (issue 11).
        if self.request.method not in SAFE_METHODS:
            return selectors.institution_annotate(queryset)
        queryset = selectors.institution_annotate(queryset, related=False)
        if self.action in ("list", "retrieve"):
            return queryset.values(*ROW_FIELDS)
        return queryset

    def filter_queryset(self, queryset):
        # The registry filters narrow the list; a record's own URL names it already. Building
        # the filter form on its detail and updates cost more than the record's SQL (issue 11).
        if self.action != "list":
            return queryset
        # A list asked for with none of the filters' parameters is the list unfiltered: every
        # filter passes an empty value through. Building and validating the filter form then
        # cost a fifth of the list's Python (issue 11).
        if self.request.query_params.keys().isdisjoint(self.filterset_class.base_filters):
            return queryset
        return super().filter_queryset(queryset)
