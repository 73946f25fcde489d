"""The demo: accepted courses breaking each rule show as warnings; re-running adds nothing."""

import pytest

from courses import demo
from courses.models import Course
from courses.rules import RULES
from institutions import demo as institutions_demo
from institutions.models import Institution
from tests.demos import demo_seeded

pytestmark = pytest.mark.django_db


def test_demo_breaks_every_rule_once_per_district_and_is_idempotent():
    with demo_seeded(institutions_demo, demo):
        count = Course.objects.count()
        demo.seed()
        assert Course.objects.count() == count
    broken = {
        rule for codes in Course.objects.values_list("violations", flat=True) for rule in codes
    }
    assert broken == set(RULES)
    codes = {
        c for codes in Institution.objects.values_list("warning_codes", flat=True) for c in codes
    }
    assert {f"courses:{rule}" for rule in RULES} <= codes
    assert set(Course.objects.values_list("status", flat=True)) == {
        "accepted",
        "submitted",
        "returned",
    }
