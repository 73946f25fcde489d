"""Fixtures for courses: an institution with a licence, a site and teachers in each district."""

import datetime as dt

import pytest

from bureaus.context import acting, system_actor
from institutions.models import Credential, Institution, Site, Staff

# A Wednesday in term time, after "today" in these tests.
WEDNESDAY = dt.date(2026, 12, 2)
SATURDAY = dt.date(2026, 12, 5)
TODAY = dt.date(2026, 11, 25)


def act(user):
    """A user as the services see them after a request: with the acting membership set."""
    user.membership = user.memberships.select_related("bureau").get()
    return user


def make_school(bureau, name="启明星学科辅导中心", category="academic", scope="语文、数学、英语"):
    """An institution with a school-running licence, a site and two teachers."""
    with acting(system_actor("tests")):
        institution = Institution.objects.create(
            bureau=bureau, name=name, category=category, status="normal"
        )
        Credential.objects.create(
            institution=institution,
            kind=Credential.Kind.SCHOOL_LICENCE,
            number=f"教民{institution.pk:06d}",
            scope=scope,
        )
        Site.objects.create(institution=institution, address="文三路100号", approved=True)
        Staff.objects.create(institution=institution, name="王老师", qualification_number="2019-1")
        Staff.objects.create(institution=institution, name="李老师", is_teaching=True)
    return institution


def fields(institution, **overrides):
    """A clean offline maths filing for grade 5: one Wednesday session 18:30–20:00."""
    site = Site.objects.filter(institution=institution).first()
    teacher = Staff.objects.filter(institution=institution, name="王老师").first()
    values = {
        "name": "五年级数学提高班",
        "subject": "maths",
        "grades": [5],
        "delivery": "offline",
        "site": site,
        "class_hours": 20,
        "lesson_minutes": 45,
        "break_minutes": 10,
        "price_per_hour_fen": 80_00,
        "sessions": [{"day": WEDNESDAY, "starts_at": "18:30", "ends_at": "20:00"}],
        "teacher_ids": [teacher.pk],
    }
    values.update(overrides)
    return values


@pytest.fixture
def school_a(tree):
    return make_school(tree.a)


@pytest.fixture
def officer_a(tree):
    return act(tree.user("a", "officer"))
