"""Reads of the courses app."""

from courses.models import Course


def course_list(queryset, *, filters: dict):
    """Courses filtered by the staff list's (validated) filters."""
    if filters.get("rule"):
        queryset = queryset.filter(violations__contains=[filters["rule"]])
    for name in ("subject", "delivery", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    return queryset.select_related("institution", "bureau")


def public_courses(*, institution) -> list[Course]:
    """The accepted courses of an institution with their prices: what the public is charged
    for (name, subject, grades, delivery, prices and class hours only)."""
    return list(
        Course.objects.filter(institution=institution, status=Course.Status.ACCEPTED)
        .only(
            "id",
            "name",
            "subject",
            "grades",
            "delivery",
            "class_hours",
            "price_per_hour_fen",
            "package_price_fen",
            "package_hours",
        )
        .order_by("name", "id")
    )
