"""Reads of the portal's own records."""

import hashlib

from courses.models import Course
from courses.selectors import course_list
from portal.models import PortalInvitation


def token_hash(token: str) -> str:
    """What is stored of an invitation link's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(*, token: str) -> PortalInvitation | None:
    """The invitation whose link carries this secret, or None (found by its hash only)."""
    if not token or len(token) > 100:
        return None
    return (
        PortalInvitation.objects.select_related("institution")
        .filter(token_hash=token_hash(token))
        .first()
    )


def course_list_for_institution(*, institution_id: int):
    """The institution's own courses, newest filing first (courses' list selector, narrowed to
    the one institution)."""
    return course_list(Course.objects.filter(institution_id=institution_id), filters={}).order_by(
        "-submitted_at", "-pk"
    )


def course_get_for_institution(*, institution_id: int, pk: int):
    """One course of the institution with its timetable; another institution's course raises
    Course.DoesNotExist, like one that does not exist."""
    return (
        course_list_for_institution(institution_id=institution_id)
        .prefetch_related("sessions", "patterns", "teachers__staff", "materials")
        .get(pk=pk)
    )
