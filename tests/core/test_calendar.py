"""A year the calendar does not know: citizens never lose days to a guess, staff are warned,
and the platform operator enters the year on the calendar page."""

import datetime as dt

import pytest
from django.test import Client

from bureaus.models import User
from complaints.services import rewards
from core import workdays
from core.models import CalendarDay
from tests.complaints.conftest import act, advance, backdate, submit

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def no_2027():
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    workdays.calendar_changed()
    yield
    workdays.calendar_changed()


def test_known_years_and_guessed_dates(no_2027):
    assert 2026 in workdays.known_years()
    assert 2027 not in workdays.known_years()
    assert workdays.date_is_guessed(D(2027, 3, 1))
    assert not workdays.date_is_guessed(D(2026, 3, 1))


def test_a_citizens_window_in_an_unknown_year_is_never_shorter_than_any_holiday_schedule(
    no_2027,
):
    start = D(2027, 1, 25)
    bureau_guess = workdays.add_working_days(start, 20)
    citizen = workdays.add_working_days(start, 20, for_citizen=True)
    # Monday-Friday alone would end the window before the real one: the Spring Festival week
    # (whatever its 2027 dates, it lies between late January and late February) is not counted.
    assert bureau_guess == D(2027, 2, 22)
    assert citizen >= bureau_guess + dt.timedelta(days=7)
    # Every weekday that was a holiday in a known year is treated as one.
    for day in (D(2027, 10, 1), D(2027, 10, 7), D(2027, 5, 1) + dt.timedelta(days=2)):
        if day.weekday() < 5:
            assert workdays.add_working_days(day - dt.timedelta(days=1), 1, for_citizen=True) > day


def test_reward_claimed_on_the_twentieth_working_day_of_early_2027_is_accepted(tree, no_2027):
    complaint, _ = submit(tree.a, named=True)
    complaint = backdate(advance(complaint, tree, "concluded"), D(2026, 11, 2))
    admin = act(tree.user("a", "admin"))
    reward = rewards.reward_decide(actor=admin, complaint=complaint, amount_fen=50000)
    reward = rewards.reward_notify(actor=admin, reward=reward, notified_on=D(2026, 11, 3))
    # Published later: the Spring Festival of 2027 is 6–14 February (as an example schedule
    # with one 调休 Saturday); the 20th working day after 25 Jan would then fall in March.
    # The window set while 2027 was unknown is at least as long as the Monday-Friday guess.
    assert reward.claim_by >= workdays.add_working_days(D(2026, 11, 3), 20)


def test_staff_see_a_warning_beside_a_provisional_due_date(tree, no_2027):
    complaint, _ = submit(tree.a)
    client = Client()
    client.force_login(tree.user("a", "officer"))
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'data-testid="calendar-warning"' not in page
    complaint.due_on = D(2027, 1, 15)
    complaint.save(update_fields=["due_on"])
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'data-testid="calendar-warning"' in page
    assert "暂定" in page


def test_staff_read_the_calendar_and_only_the_platform_operator_enters_a_year(tree, no_2027):
    officer = Client()
    officer.force_login(tree.user("a", "admin"))
    page = officer.get("/calendar/?year=2027")
    assert page.status_code == 200
    assert 'data-testid="year-unknown"' in page.content.decode()
    assert officer.post("/calendar/", {"year": 2027, "exceptions": ""}).status_code == 403

    operator = User.objects.create_superuser("platform", password="x-Very-long-passw0rd")
    client = Client()
    client.force_login(operator)
    bad = client.post("/calendar/", {"year": 2027, "exceptions": "2027-02-30 休\n2028-01-01 休"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "第 1 行" in text and "第 2 行" in text
    assert not CalendarDay.objects.filter(date__year=2027).exists()

    schedule = "2027-02-08 休 春节\n2027-02-09 休 春节\n2027-02-20 班 春节调休上班"
    saved = client.post("/calendar/", {"year": 2027, "exceptions": schedule, "save": "1"})
    assert saved.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    assert 2027 in workdays.known_years()
    assert CalendarDay.objects.get(date=D(2027, 2, 20)).is_working_day is True
    assert CalendarDay.objects.get(date=D(2027, 2, 8)).is_working_day is False
    # Friday 5 Feb + 1 working day: Mon 8 and Tue 9 are holidays, so Wednesday 10 Feb.
    assert workdays.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 10)
