"""Reads of the registry: what staff lists show (registry), what the public may see (public),
and the figures that reports and dashboards read (figures)."""

from institutions.selectors.figures import (
    REGISTRY_FIGURES,
    institution_figures_by_bureau,
    institution_monthly_by_bureau,
    registry_figures_as_of,
)
from institutions.selectors.public import (
    PUBLIC_CANDIDATES,
    PUBLIC_FIELDS,
    PUBLIC_RESULTS,
    institution_public_queryset,
    institution_public_search,
    institution_public_search_page,
    public_institution_get,
    public_list_entries,
)
from institutions.selectors.registry import (
    institution_annotate,
    institution_get_for_portal,
    institution_list,
    institution_staff_for_portal,
    licence_condition,
    search_condition,
    street_options,
    streets_version,
)

__all__ = [
    "PUBLIC_CANDIDATES",
    "PUBLIC_FIELDS",
    "PUBLIC_RESULTS",
    "REGISTRY_FIGURES",
    "institution_annotate",
    "institution_figures_by_bureau",
    "institution_get_for_portal",
    "institution_list",
    "institution_monthly_by_bureau",
    "institution_public_queryset",
    "institution_public_search",
    "institution_public_search_page",
    "institution_staff_for_portal",
    "licence_condition",
    "public_institution_get",
    "public_list_entries",
    "registry_figures_as_of",
    "search_condition",
    "street_options",
    "streets_version",
]
