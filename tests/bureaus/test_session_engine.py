"""The session engine (bureaus.sessions, issue 11): the session and the signed-in user's kept
memberships read from Redis in one round trip; a change of a membership still takes effect on
the next request; memberships read for another user are never taken; sign-out drops what was
kept beside the session."""

import pytest
from django.core.cache import cache
from django.test import Client
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from bureaus import acting
from bureaus.models import Membership

pytestmark = pytest.mark.django_db

API = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def _engine(settings):
    settings.SESSION_ENGINE = "bureaus.sessions"


class _CountingCache:
    """bureaus.acting's cache, counting the reads of kept memberships."""

    def __init__(self, real):
        self.real, self.reads = real, []

    def get(self, key, *args, **kwargs):
        self.reads.append(key)
        return self.real.get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def _signed_in(user, api=True):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def _user_id_key(client) -> str:
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    return cache.client.make_key(KEY_PREFIX + client.cookies["sessionid"].value) + ":user"


def test_the_memberships_come_with_the_session(tree, monkeypatch):
    officer = tree.user("a", "officer")
    client = _signed_in(officer)
    assert client.get(API).status_code == 200  # the memberships read and kept
    counting = _CountingCache(cache)
    monkeypatch.setattr(acting, "cache", counting)
    for path in (API, f"/api/v1/bureaus/{tree.a.pk}/"):
        assert client.get(path).status_code == 200
    page = _signed_in(officer, api=False)
    assert page.get("/complaints/").status_code == 200
    assert page.get("/complaints/").status_code == 200
    assert not [k for k in counting.reads if k.startswith(acting.memberships_key_prefix())]
    assert get_redis_connection("default").get(_user_id_key(client)) == str(officer.pk).encode()


def test_a_changed_membership_takes_effect_on_the_next_request(tree):
    officer = tree.user("a", "officer")
    client = _signed_in(officer)
    assert client.get(API).status_code == 200
    assert client.get(API).status_code == 200
    membership = Membership.objects.get(user=officer)
    membership.is_active = False
    membership.save()
    assert client.get(API).status_code == 403
    membership.is_active = True
    membership.save()
    assert client.get(API).status_code == 200


def test_memberships_read_for_another_user_are_never_taken(tree):
    """A session whose kept user id names someone else (the city's supervisor, whose
    memberships are kept): the officer still acts for district a only."""
    officer, supervisor = tree.user("a", "officer"), tree.user("city", "supervisor")
    assert _signed_in(supervisor).get(API).status_code == 200  # the supervisor's copy kept
    client = _signed_in(officer)
    redis = get_redis_connection("default")
    redis.set(_user_id_key(client), str(supervisor.pk), ex=600)
    assert client.get(f"/api/v1/bureaus/{tree.city.pk}/").status_code == 404
    assert client.get(f"/api/v1/bureaus/{tree.a.pk}/").status_code == 200


def test_sign_out_drops_the_kept_user_id(tree):
    client = _signed_in(tree.user("a", "officer"), api=False)
    assert client.get("/complaints/").status_code == 200
    key = _user_id_key(client)
    redis = get_redis_connection("default")
    assert redis.exists(key)
    client.post("/accounts/logout/")
    assert not redis.exists(key)


def test_a_session_missing_from_redis_is_read_from_the_database(tree):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    client = _signed_in(tree.user("a", "officer"))
    assert client.get(API).status_code == 200
    cache.delete(KEY_PREFIX + client.cookies["sessionid"].value)
    get_redis_connection("default").delete(_user_id_key(client))
    assert client.get(API).status_code == 200
    assert client.get(API).status_code == 200
