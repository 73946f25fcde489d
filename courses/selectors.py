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


def institutions_by_rule(*, user) -> list[dict]:
    """For the dashboards: per rule, how many institutions of the user's subtree have an
    accepted course breaking it (as of the last nightly run)."""
    from django.db.models import Count, F, Func

    from courses.rules import RULES

    rows = (
        Course.objects.visible_to(user)
        .filter(status=Course.Status.ACCEPTED)
        .exclude(violations=[])
        .annotate(rule=Func(F("violations"), function="unnest"))
        .values("rule")
        .annotate(institutions=Count("institution_id", distinct=True))
        .order_by("rule")
    )
    counts = {row["rule"]: row["institutions"] for row in rows}
    return [
        {"rule": rule.id, "label": rule.label, "institutions": counts.get(rule.id, 0)}
        for rule in RULES.values()
    ]


def institution_course_list(*, institution) -> list[Course]:
    """For the institution's own portal: all its courses, newest first. The caller has checked
    that the account belongs to this institution."""
    return list(
        Course.objects.filter(institution_id=institution.pk).select_related("site").order_by("-id")
    )


def institution_course_get(*, institution, pk: int) -> Course | None:
    """For the institution's own portal: one of its courses, None when it is not its own (the
    portal answers 404)."""
    return (
        Course.objects.filter(institution_id=institution.pk, pk=pk).select_related("site").first()
    )


def course_figures_by_bureau(*, bureau_ids, today=None) -> dict:
    """For the dashboards and roll-ups (reports/): per district, how many institutions have an
    accepted course breaking a rule (as of the last nightly run); one grouped query."""
    from django.db.models import Count

    rows = (
        Course.objects.filter(bureau_id__in=list(bureau_ids), status=Course.Status.ACCEPTED)
        .exclude(violations=[])
        .values("bureau_id")
        .annotate(institutions=Count("institution_id", distinct=True))
        .order_by()
    )
    return {row["bureau_id"]: {"course_violations": row["institutions"]} for row in rows}
