"""Filters of the institution list, shared by the staff pages and the API."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from bureaus.models import Street
from core.filtering import FilterSet, ModelChoiceFilter
from institutions import rules
from institutions.models import Institution, ListEntry
from institutions.selectors import licence_condition, search_condition


def _streets(request):
    if request is None:
        return Street.objects.none()
    return Street.objects.visible_to(request.user)


class InstitutionFilterSet(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", help_text=_("Name, pinyin initials or credit code")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Institution.Category.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Institution.Status.choices)
    street = ModelChoiceFilter(label=_("Street"), queryset=_streets)
    list = django_filters.ChoiceFilter(
        label=_("List"),
        method="filter_list",
        choices=[
            ("white", _("On the white list")),
            ("black", _("On the black list")),
            ("none", _("On no list")),
        ],
    )
    licence = django_filters.ChoiceFilter(
        label=_("School-running licence"),
        method="filter_licence",
        choices=[
            ("valid", _("Valid")),
            ("expiring", _("Expiring within 60 days")),
            ("expired", _("Expired")),
            ("missing", _("None on file")),
        ],
    )
    warning = django_filters.ChoiceFilter(
        label=_("Rule warnings"),
        method="filter_warning",
        choices=lambda: [("any", _("Any warning")), *rules.warning_choices()],
    )
    delivery = django_filters.ChoiceFilter(
        label=_("Delivery"), choices=Institution.Delivery.choices
    )

    class Meta:
        model = Institution
        fields = ["q", "category", "status", "street", "list", "licence", "warning", "delivery"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_condition(value)) if value.strip() else queryset

    def filter_list(self, queryset, name, value):
        # Scoped to the institution's own district, so the subplan reads that district's
        # entries, not every district's (issue 11).
        entries = (
            ListEntry.objects.visible_to(self.request.user)
            if self.request is not None
            else ListEntry.objects.all()
        )
        active = entries.filter(
            institution=OuterRef("pk"), bureau_id=OuterRef("bureau_id"), lifted_on__isnull=True
        )
        if value == "none":
            return queryset.exclude(Exists(active))
        return queryset.filter(Exists(active.filter(kind=value)))

    def filter_licence(self, queryset, name, value):
        return queryset.filter(licence_condition(value))

    def filter_warning(self, queryset, name, value: str):
        if value == "any":
            return queryset.exclude(warning_codes=[])
        return queryset.filter(warning_codes__contains=[value])
