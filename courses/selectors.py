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


def institution_courses(*, user, institution) -> list[Course]:
    """The institution's courses the user may see (at most 50, newest first)."""
    return list(
        Course.objects.visible_to(user).filter(institution_id=institution.pk).order_by("-id")[:50]
    )


def public_courses(*, institution_id) -> list[Course]:
    """The accepted courses of an institution with their prices: what the public is charged
    for (name, subject, grades, delivery, prices and class hours only)."""
    return list(
        Course.objects.filter(institution_id=institution_id, status=Course.Status.ACCEPTED)
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
