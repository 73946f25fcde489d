"""Sessions: idle and absolute lifetimes, rotation at sign-in, and every way a user's other
sessions end (issue 10 §2)."""

import time

from django.urls import reverse
from rest_framework.authtoken.models import Token

from bureaus.models import User
from bureaus.security import LOGIN_AT, SEEN_AT
from tests.clients import page_client, password_change
from tests.conftest import PASSWORD


def _shift_clock(client, *, seen_minutes_ago=None, login_minutes_ago=None):
    session = client.session
    now = time.time()
    if seen_minutes_ago is not None:
        session[SEEN_AT] = now - seen_minutes_ago * 60
    if login_minutes_ago is not None:
        session[LOGIN_AT] = now - login_minutes_ago * 60
    session.save()


def _alive(client) -> bool:
    return client.get(reverse("bureaus:street-list")).status_code == 200


def test_idle_session_expires_at_31_minutes_not_at_29(tree):
    # Why: "sessions last 14 days with no idle timeout".
    client = page_client(tree.user("a", "officer"))
    _shift_clock(client, seen_minutes_ago=29)
    assert _alive(client)
    _shift_clock(client, seen_minutes_ago=31)
    assert not _alive(client)
    response = client.get(reverse("bureaus:street-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_session_has_an_absolute_lifetime_of_12_hours(tree, settings):
    client = page_client(tree.user("a", "officer"))
    _shift_clock(client, seen_minutes_ago=1, login_minutes_ago=11 * 60 + 59)
    assert _alive(client)
    _shift_clock(client, seen_minutes_ago=1, login_minutes_ago=12 * 60 + 1)
    assert not _alive(client)
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    assert settings.SESSION_COOKIE_AGE < 24 * 3600


def test_session_id_rotates_at_sign_in(client, tree):
    session = client.session
    session["language_hint"] = "zh"
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    assert (
        client.post(reverse("login"), {"username": "a_officer", "password": PASSWORD}).status_code
        == 302
    )
    assert client.cookies["sessionid"].value != before


def test_password_change_ends_the_other_sessions(tree):
    user = tree.user("a", "officer")
    mine, other = page_client(user), page_client(user)
    Token.objects.create(user=user)
    new = "Tiger-Lily-0987"
    response = password_change(mine, new)
    assert response.status_code == 302
    assert _alive(mine)
    assert not _alive(other)
    assert not Token.objects.filter(user=user).exists()


def test_disabling_an_account_ends_its_sessions(tree):
    officer = tree.user("a", "officer")
    victim = page_client(officer)
    admin = page_client(tree.user("a", "admin"))
    response = admin.post(
        reverse("bureaus:user-update", args=[officer.pk]), {"display_name": "x", "is_active": ""}
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=officer.pk).is_active
    assert not _alive(victim)


def test_security_administrator_ends_a_users_sessions(tree):
    officer = tree.user("a", "officer")
    victim = page_client(officer)
    Token.objects.create(user=officer)
    security = page_client(tree.user("a", "security"))
    url = reverse("bureaus:user-security", args=[officer.pk])
    assert security.get(url).status_code == 200
    assert security.post(url, {"action": "end_sessions"}).status_code == 302
    assert not _alive(victim)
    assert not Token.objects.filter(user=officer).exists()
    # A new sign-in works again.
    assert _alive(page_client(officer))
    # The system administrator may not (sessions are the security administrator's work).
    assert (
        page_client(tree.user("a", "admin")).post(url, {"action": "end_sessions"}).status_code
        == 403
    )
