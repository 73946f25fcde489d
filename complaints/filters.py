import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.models import Complaint, SupervisionOrder
from core.filters import FilterSet


class ComplaintFilterSet(FilterSet):
    """The inbox filters; `overdue` means open and past its reply date today (whether or not
    the periodic job has run yet)."""

    # distinct=False: no join multiplies rows here, and DISTINCT over every column made the
    # city's count sort on disk (issue 11).
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Complaint.Status.choices, distinct=False
    )
    open = django_filters.BooleanFilter(
        label=pgettext_lazy("tip-off status", "Open"), method="filter_open"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Overdue")), ("false", _("Not overdue"))],
        empty_label=_("All"),
        method="filter_overdue",
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Complaint.Category.choices, empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Complaint.Channel.choices, empty_label=_("All")
    )
    assignee = django_filters.NumberFilter(label=_("Handler"), field_name="assignee_id")
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="filter_mine")
    due_before = django_filters.DateFilter(
        label=_("Due before"), field_name="due_on", lookup_expr="lte"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Complaint
        fields = ["status", "category", "channel"]

    def get_form_class(self):
        # The form's fields depend on nothing of the request (fixed choices, no queryset):
        # made once per process, not on every inbox request (issue 11). Each form still
        # deep-copies them, as every Django form does, so a form may change its own fields.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=Complaint.OPEN_STATUSES)
        return queryset.exclude(status__in=Complaint.OPEN_STATUSES)

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=Complaint.OPEN_STATUSES, due_on__lt=timezone.localdate())
        if value == "true":
            return queryset.filter(late)
        if value == "false":
            return queryset.exclude(late)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(assignee_id=self.request.user.pk)
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(tracking_code=value.upper())
            | Q(external_ref=value)
            | Q(institution_name__icontains=value)
        )


class SupervisionOrderFilterSet(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    # By id, not a ModelChoiceFilter: its choices would list every district's tip-offs.
    complaint = django_filters.NumberFilter(label=_("Tip-off"), field_name="complaint_id")

    class Meta:
        model = SupervisionOrder
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        late = Q(status=SupervisionOrder.Status.OPEN, due_on__lt=timezone.localdate())
        if value is None:
            return queryset
        return queryset.filter(late) if value else queryset.exclude(late)
