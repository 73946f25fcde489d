import django_filters

from bureaus.models import AuditEvent, Department, Membership, Street


class StreetFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Street
        fields = ["name"]


class DepartmentFilterSet(django_filters.FilterSet):
    class Meta:
        model = Department
        fields = ["kind"]


class MembershipFilterSet(django_filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["role", "is_active"]


class AuditEventFilterSet(django_filters.FilterSet):
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")
    model = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    actor = django_filters.CharFilter(field_name="actor_repr")

    class Meta:
        model = AuditEvent
        fields = ["action", "model", "object_id", "request_id"]
