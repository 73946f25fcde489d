"""Blocks on the institution's pages: its accepted courses and their prices on the public page
(the public sees what it is charged for), and its courses with their status on the staff page."""

from courses import selectors
from courses.models import GRADE_CHOICES
from institutions import extensions


def _grade_text(grades) -> str:
    labels = dict(GRADE_CHOICES)
    return "、".join(str(labels.get(g, g)) for g in grades or ())


def public_context(request, institution):
    """Accepted courses only, with whitelisted fields (selectors.public_courses)."""
    courses = selectors.public_courses(institution_id=institution["id"])
    if not courses:
        return None
    for course in courses:
        course.grade_text = _grade_text(course.grades)
    return {"courses": courses}


def staff_context(request, institution):
    """Courses of the institution the user may see, newest first."""
    courses = selectors.institution_courses(user=request.user, institution=institution)
    return {"courses": courses, "institution": institution} if courses else None


def register() -> None:
    extensions.register_panel(
        page="public", template="courses/_public_panel.html", context=public_context, order=50
    )
    extensions.register_panel(
        page="staff", template="courses/_staff_panel.html", context=staff_context, order=50
    )
