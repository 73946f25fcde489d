"""Working days from the calendar table: holidays, 调休 make-up days, unknown years."""

import datetime as dt
import logging

import pytest

from bureaus.context import acting, system_actor
from complaints.models import ComplaintPolicy
from core import workdays
from core.models import CalendarDay
from tests.complaints.conftest import submit

pytestmark = pytest.mark.django_db

D = dt.date


def test_calendar_table_is_seeded_with_national_day_2025():
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).is_working_day is False
    assert CalendarDay.objects.get(date=D(2025, 10, 8)).is_working_day is False
    # 调休: Sunday 28 September and Saturday 11 October 2025 are working days.
    assert CalendarDay.objects.get(date=D(2025, 9, 28)).is_working_day is True
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).note == "国庆节调休上班"


def test_ten_working_days_across_national_day_2025():
    # Received Tuesday 30 Sept: 1-8 Oct off; 9, 10, 11 (Sat, make-up), 13-17, 20, 21.
    assert workdays.add_working_days(D(2025, 9, 30), 10) == D(2025, 10, 21)
    # Received Friday 26 Sept: Sunday 28 Sept is a make-up working day and counts.
    assert workdays.add_working_days(D(2025, 9, 26), 10) == D(2025, 10, 16)
    assert workdays.working_days_between(D(2025, 9, 30), D(2025, 10, 21)) == 10
    assert workdays.working_days_between(D(2025, 10, 21), D(2025, 9, 30)) == -10


def test_ten_working_days_across_national_day_2026():
    # 2026: 1-7 Oct off, Saturday 10 Oct a make-up working day.
    assert workdays.add_working_days(D(2026, 9, 30), 10) == D(2026, 10, 20)


def test_unknown_year_falls_back_to_monday_to_friday_and_says_so(caplog):
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    with caplog.at_level(logging.WARNING, logger="core.workdays"):
        # Thursday 30 Dec 2027 + 3: Fri 31, Mon 3 Jan, Tue 4 Jan 2028.
        assert workdays.add_working_days(D(2027, 12, 30), 3) == D(2028, 1, 4)
    assert "Monday-Friday" in caplog.text
    assert workdays.calendar_rows(2099) == []
    assert workdays.calendar_load([2099]) == {2099: 0}


def test_hand_edited_day_is_respected():
    CalendarDay.objects.update_or_create(
        date=D(2025, 10, 13), defaults={"is_working_day": False, "note": "临时调整"}
    )
    assert workdays.add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)
    assert workdays.add_working_days(D(2025, 10, 11), 1) == D(2025, 10, 14)


def test_due_date_uses_the_district_policy(tree, freezer_2025_09_30):
    first, _ = submit(tree.a)
    assert first.due_on == D(2025, 10, 21)  # default: 10 working days (seed 004 永川)
    with acting(system_actor("tests")):
        ComplaintPolicy.objects.create(bureau=tree.b, reply_days=5)
    second, _ = submit(tree.b)
    assert second.due_on == D(2025, 10, 14)  # 9, 10, 11 (make-up), 13, 14 October


@pytest.fixture
def freezer_2025_09_30(monkeypatch):
    from django.utils import timezone

    fixed = dt.datetime(2025, 9, 30, 10, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed
