"""The calendar and notification tables moved from complaints/ to core/ without losing a row."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("complaints", "0003_event_time"), ("core", "0001_counters")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_calendar_days_and_notifications_survive_the_move(tree, db_owner):
    try:
        old = _migrate(BEFORE)
        OldDay = old.get_model("complaints", "CalendarDay")
        OldNotification = old.get_model("complaints", "Notification")
        OldDay.objects.update_or_create(
            date=dt.date(2026, 12, 31), defaults={"is_working_day": False, "note": "手工调整"}
        )
        OldNotification.objects.create(
            bureau_id=tree.a.pk,
            user_id=tree.user("a", "officer").pk,
            message="举报 JB1 已逾期",
            key="complaint-overdue:1",
        )
        days = set(OldDay.objects.values_list("date", "is_working_day", "note"))
        assert len(days) > 8000
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())

    from core.models import CalendarDay, Notification

    assert set(CalendarDay.objects.values_list("date", "is_working_day", "note")) == days
    note = Notification.objects.get(key="complaint-overdue:1")
    assert note.user == tree.user("a", "officer") and note.message == "举报 JB1 已逾期"
