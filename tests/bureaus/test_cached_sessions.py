"""Sessions as production keeps them (config/settings/base.py: PostgreSQL read through Redis):
a request reads its session without a query, and sign-out, the idle timeout and an
administrator's "end sessions" still end it (bureaus.security.SessionLimitsMiddleware)."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bureaus.security import SEEN_AT

pytestmark = pytest.mark.django_db

CACHED_DB = "bureaus.sessions"  # cached_db, with the memberships read alongside


@pytest.fixture(autouse=True)
def _production_sessions(settings):
    settings.SESSION_ENGINE = CACHED_DB


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _alive(client) -> bool:
    return client.get(reverse("bureaus:street-list")).status_code == 200


def test_a_request_reads_its_session_from_redis_not_postgresql(tree):
    client = _signed_in(tree.user("a", "officer"))
    assert _alive(client)
    with CaptureQueriesContext(connection) as captured:
        assert _alive(client)
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]


def test_sign_out_ends_a_cached_session(tree):
    client = _signed_in(tree.user("a", "officer"))
    key = client.cookies["sessionid"].value
    assert _alive(client)
    client.post(reverse("logout"))
    client.cookies["sessionid"] = key  # the old cookie replayed
    assert not _alive(client)


def test_the_idle_timeout_holds_for_a_cached_session(tree):
    client = _signed_in(tree.user("a", "officer"))
    assert _alive(client)
    session = client.session
    session[SEEN_AT] = time.time() - 31 * 60
    session.save()
    assert not _alive(client)


def test_an_administrator_ends_a_cached_session(tree):
    officer = tree.user("a", "officer")
    victim = _signed_in(officer)
    assert _alive(victim)
    security = _signed_in(tree.user("a", "security"))
    url = reverse("bureaus:user-security", args=[officer.pk])
    assert security.post(url, {"action": "end_sessions"}).status_code == 302
    assert not _alive(victim)
