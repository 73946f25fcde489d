from bureaus.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from bureaus.api.serializers import (
    AuditEventSerializer,
    BureauSerializer,
    DepartmentSerializer,
    MembershipSerializer,
    StreetSerializer,
)
from bureaus.filters import (
    AuditEventFilterSet,
    DepartmentFilterSet,
    MembershipFilterSet,
    StreetFilterSet,
)
from bureaus.models import AuditEvent, Bureau, Department, Membership, Street


class BureauViewSet(ScopedReadOnlyViewSet):
    queryset = Bureau.objects.all()
    serializer_class = BureauSerializer
    permission_object = "bureau"


class StreetViewSet(ScopedModelViewSet):
    queryset = Street.objects.all()
    serializer_class = StreetSerializer
    filterset_class = StreetFilterSet
    permission_object = "street"


class DepartmentViewSet(ScopedModelViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    permission_object = "department"


class MembershipViewSet(ScopedModelViewSet):
    queryset = Membership.objects.all()
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    permission_object = "membership"

    def scope_queryset(self, queryset):
        return queryset.select_related("user")


class AuditEventViewSet(ScopedReadOnlyViewSet):
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    permission_object = "auditevent"
