"""The demo: accepted courses breaking each rule show as warnings; re-running adds nothing."""

import pytest

from bureaus.context import acting, system_actor
from bureaus.demo import seed_bureaus
from courses import demo
from courses.models import Course
from courses.rules import RULES
from institutions import demo as institutions_demo
from institutions.models import Institution

pytestmark = pytest.mark.django_db


def test_demo_breaks_every_rule_once_per_district_and_is_idempotent():
    with acting(system_actor("seed_demo")):
        seed_bureaus()
        institutions_demo.seed()
        demo.seed()
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
