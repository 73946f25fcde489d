"""bureaus.db reads timestamptz values with psycopg's own (C) loader: the same aware datetimes
as Django's loader gave (issue 11)."""

import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.postgres import types
from psycopg.pq import Format

from bureaus.db.base import UtcTimestamptzLoader

pytestmark = pytest.mark.django_db

VALUES = """SELECT v FROM (VALUES
    ('2026-11-26 16:30:00+00'::timestamptz),
    ('2026-11-26 16:30:00.000001+00'),
    ('2026-02-28 23:59:59.999999+08'),
    ('1999-12-31 16:00:00-08:30'),
    ('2400-02-29 00:00:00+00'),
    ('0001-01-01 00:00:00+00'),
    (NULL)
) AS t(v)"""


def read(register_djangos=False):
    with connection.cursor() as cursor:
        if register_djangos:
            register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(VALUES)
        return [row[0] for row in cursor.fetchall()]


def test_the_connection_reads_timestamps_with_psycopgs_loader():
    connection.ensure_connection()
    oid = types["timestamptz"].oid
    assert connection.connection.adapters.get_loader(oid, Format.TEXT) is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        # Django's cursors keep the connection's loader: its time zone is Django's.
        assert cursor.cursor.adapters.get_loader(oid, Format.TEXT) is UtcTimestamptzLoader


def test_the_same_datetimes_as_djangos_loader():
    ours, djangos = read(), read(register_djangos=True)
    assert ours == djangos
    assert [v.tzinfo if v else None for v in ours] == [v.tzinfo if v else None for v in djangos]
    assert all(v.tzinfo is datetime.UTC for v in ours if v is not None)
    assert ours[1].microsecond == 1 and ours[2].microsecond == 999999


def test_model_values_round_trip(tree):
    from bureaus.models import User

    when = datetime.datetime(2026, 11, 26, 8, 15, 30, 123456, tzinfo=datetime.UTC)
    User.objects.filter(pk=tree.user("a", "officer").pk).update(last_login=when)
    assert (
        User.objects.values_list("last_login", flat=True).get(pk=tree.user("a", "officer").pk)
        == when
    )
