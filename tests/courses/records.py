"""Makers for the isolation test: a course (and a session of it) showing the marker."""

import datetime as dt

from courses.models import Course, Session
from institutions.models import Institution
from tests.records import maker


def make_course(institution, name, **fields):
    """A course of `institution` as the filing service leaves it: an online academic maths
    course for grade 5, submitted; `fields` override."""
    values = {
        "subject": "maths",
        "is_academic": True,
        "grades": [5],
        "delivery": "online_live",
        "class_hours": 10,
        "lesson_minutes": 30,
        "price_per_hour_fen": 50_00,
        "status": Course.Status.SUBMITTED,
        **fields,
    }
    return Course.objects.create(institution=institution, name=name, **values)


def _course(bureau, name):
    institution = Institution.objects.create(bureau=bureau, name=f"{name}机构", category="academic")
    return make_course(institution, name)


@maker(Course)
def _course_maker(bureau, marker):
    return _course(bureau, marker)


@maker(Session)
def _session(bureau, marker):
    course = _course(bureau, marker)
    # The marker shows as the course id in the payload; a session has no text of its own.
    return Session.objects.create(
        course=course, day=dt.date(2026, 12, 2), starts_at=dt.time(19), ends_at=dt.time(20)
    )
