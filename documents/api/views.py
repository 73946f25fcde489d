import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from bureaus.api.base import ScopedReadOnlyViewSet
from core.filtering import FilterSet
from documents import selectors
from documents.api.serializers import IssuedDocumentSerializer
from documents.models import IssuedDocument
from documents.views import pdf_response


class IssuedDocumentFilterSet(FilterSet):
    number = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = IssuedDocument
        fields = ["kind", "year", "number"]


@extend_schema_view(
    list=extend_schema(
        summary="List issued documents",
        description="The registry of the caller's bureau subtree (append-only), newest first; "
        "filter by kind, year and number.",
    ),
    retrieve=extend_schema(summary="One issued document"),
)
class IssuedDocumentViewSet(ScopedReadOnlyViewSet):
    queryset = IssuedDocument.objects.all()
    serializer_class = IssuedDocumentSerializer
    filterset_class = IssuedDocumentFilterSet
    permission_object = "document"

    def scope_queryset(self, queryset):
        return selectors.document_filter(queryset)

    @extend_schema(summary="The signed PDF, byte for byte", responses={200: OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], permission_verb="view")
    def pdf(self, request, pk=None):
        return pdf_response(self.get_object(), inline=False)
