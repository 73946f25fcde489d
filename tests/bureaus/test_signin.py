"""Sign-in (issue 10 §1): lockout, per-address throttle, the same answer for unknown users,
password policy and age, the second factor, API tokens."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bureaus.models import AuditEvent, Membership, User
from tests.clients import password_change
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _age_attempts(minutes):
    """Move django-axes' record of failures back in time (the lockout window passing)."""
    past = timezone.now() - dt.timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=past)
    AccessAttemptExpiration.objects.update(expires_at=past + dt.timedelta(minutes=15))


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, tree):
    # Why: "30 wrong passwords in a row, then the right one: signed in".
    for _ in range(30):
        _login(client, "a_officer", "wrong-Password-1")
    response = _login(client, "a_officer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sixth_attempt_is_locked_even_with_the_right_password(client, tree):
    for i in range(5):
        response = _login(client, "a_officer", "wrong-Password-1")
        assert response.status_code in (200, 429), i
    response = _login(client, "a_officer", PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another client (another person, same account) is locked out too: the lock is per account.
    assert _login(Client(), "a_officer", PASSWORD).status_code == 429
    # Other accounts are not locked.
    assert _login(Client(), "a_admin", PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, tree):
    for _ in range(4):
        _login(client, "a_officer", "wrong-Password-1")
    assert _login(client, "a_officer", PASSWORD).status_code == 302


def test_lock_lifts_after_the_window(client, tree):
    for _ in range(5):
        _login(client, "a_officer", "wrong-Password-1")
    _age_attempts(14)
    assert _login(Client(), "a_officer", PASSWORD).status_code == 429
    _age_attempts(16)
    assert _login(Client(), "a_officer", PASSWORD).status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_answer(client, tree):
    wrong = _login(Client(), "a_officer", "wrong-Password-1")
    unknown = _login(Client(), "nobody_at_all", "wrong-Password-1")
    assert wrong.status_code == unknown.status_code == 200
    marker = 'data-testid="login-error">'
    text = [r.content.decode().split(marker)[1].split("<")[0] for r in (wrong, unknown)]
    assert text[0] == text[1] and "用户名或密码不正确" in text[0]
    # An unknown username is locked out like a real one: the lockout tells nothing either.
    for _ in range(5):
        _login(client, "nobody_at_all", "wrong-Password-1")
    assert _login(client, "nobody_at_all", "x").status_code == 429


def test_failures_and_lockout_are_audited(client, tree):
    user = tree.user("a", "officer")
    for _ in range(5):
        _login(client, "a_officer", "wrong-Password-1")
    events = AuditEvent.objects.filter(model="bureaus.user", object_id=str(user.pk))
    assert events.filter(action=AuditEvent.Action.LOGIN_FAILED, bureau=tree.a).count() == 5
    assert events.filter(action=AuditEvent.Action.LOCKED_OUT, bureau=tree.a).count() == 1
    _age_attempts(16)
    _login(client, "a_officer", PASSWORD)
    assert events.filter(action=AuditEvent.Action.LOGIN).count() == 1


def test_per_address_throttle(client, tree, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ("x1", "x2", "x3"):
        assert _login(client, name, "wrong-Password-1").status_code == 200
    # A fourth account from the same address: refused before any password is checked.
    assert _login(client, "a_officer", PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other, "a_officer", PASSWORD).status_code == 302


def test_password_change_old_password_is_locked_out_too(client, tree):
    # Why: no lockout "on the password-change form's old password".
    client.force_login(tree.user("a", "officer"))
    new = "Tiger-Lily-0987"
    for _ in range(5):
        password_change(client, new, old="wrong-Password-1")
    response = password_change(client, new)
    assert response.status_code in (200, 429)
    assert "锁定" in response.content.decode()
    user = User.objects.get(username="a_officer")
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["kxqvmzpt", "zhangwei2026", "password1234", "abcdefghijkl"])
def test_weak_passwords_are_refused(weak, db):
    # Why: "kxqvmzpt" and "zhangwei2026" were accepted.
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_password_similar_to_the_username_is_refused(db):
    user = User(username="zhangwei_admin", display_name="张伟")
    with pytest.raises(ValidationError):
        validate_password("Zhangwei_Admin1", user)
    validate_password("Correct-Horse-Battery-7", user)


def test_password_change_form_refuses_a_weak_password(client, tree):
    client.force_login(tree.user("a", "officer"))
    response = password_change(client, "zhangwei2026")
    assert response.status_code == 200
    assert User.objects.get(username="a_officer").check_password(PASSWORD)


def test_administrator_password_expires_after_180_days(client, tree):
    admin = tree.user("a", "admin")
    User.objects.filter(pk=admin.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=179)
    )
    client.force_login(admin)
    assert client.get(reverse("bureaus:street-list")).status_code == 200
    User.objects.filter(pk=admin.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=181)
    )
    response = client.get(reverse("bureaus:street-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("password_change"))
    # Officers are not forced (the rule is for administrators).
    officer = tree.user("a", "officer")
    User.objects.filter(pk=officer.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=400)
    )
    other = Client()
    other.force_login(officer)
    assert other.get(reverse("bureaus:street-list")).status_code == 200


def test_administrator_needs_the_second_factor(client, tree):
    admin = tree.user("a", "admin")
    TOTPDevice.objects.filter(user=admin).delete()
    assert _login(client, "a_admin", PASSWORD).status_code == 302
    response = client.get(reverse("bureaus:street-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    # The API is refused too until the second factor is passed.
    assert client.get("/api/v1/streets/").status_code == 403
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" in page and 'data-testid="totp-secret"' in page
    device = TOTPDevice.objects.get(user=admin)
    assert not device.confirmed
    wrong = client.post(reverse("two_factor"), {"otp_token": "000000"})
    assert wrong.status_code == 200
    # django-otp slows down guessing: after a failure the device refuses codes for a moment.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    code = f"{totp(device.bin_key):06d}"
    if code == "000000":  # pragma: no cover - one chance in a million
        pytest.skip("the wrong code happened to be right")
    response = client.post(reverse("two_factor"), {"otp_token": code, "next": "/bureaus/streets/"})
    assert response.status_code == 302
    assert client.get(reverse("bureaus:street-list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_second_factor_is_available_to_everyone(client, tree):
    assert _login(client, "a_officer", PASSWORD).status_code == 302
    assert client.get(reverse("bureaus:street-list")).status_code == 200
    assert "<svg" in client.get(reverse("two_factor")).content.decode()


def _token(client, username, password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


def test_api_token_is_issued_expires_and_is_revoked(tree):
    # Why: "API tokens never expire (and nothing issues them)".
    client = APIClient()
    response = _token(client, "a_officer")
    assert response.status_code == 201, response.content
    key = response.json()["token"]
    assert response.json()["expires_at"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/streets/").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=13))
    assert api.get("/api/v1/streets/").status_code in (401, 403)
    assert not Token.objects.filter(key=key).exists()
    key = _token(client, "a_officer").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/streets/").status_code == 200
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/streets/").status_code in (401, 403)


def test_token_endpoint_needs_totp_for_administrators_and_locks_out(tree):
    client = APIClient()
    assert _token(client, "a_admin").status_code in (401, 403)
    assert not Token.objects.exists()
    device = TOTPDevice.objects.get(user=tree.user("a", "admin"))
    assert _token(client, "a_admin", otp=f"{totp(device.bin_key):06d}").status_code == 201
    for _ in range(5):
        assert _token(client, "a_officer", "wrong-Password-1").status_code in (401, 403, 429)
    assert _token(client, "a_officer").status_code == 429


def test_token_endpoint_is_throttled(tree):
    client = APIClient()
    codes = [_token(client, "nobody", "wrong-Password-1").status_code for _ in range(11)]
    assert codes[-1] == 429


def test_membership_roles_are_exclusive_in_the_database(tree):
    # 三权分立: "an account cannot be both system and audit administrator".
    from django.db import IntegrityError, transaction

    from bureaus.context import acting, system_actor

    user = tree.user("a", "admin")
    with acting(system_actor("tests")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user, bureau=tree.b, role=Membership.Role.AUDITOR)
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user, bureau=tree.b, role=Membership.Role.SECURITY)
        # The same administrator role in another district, or a business role, is allowed.
        Membership.objects.create(user=user, bureau=tree.b, role=Membership.Role.ADMIN)
        other = tree.user("a", "officer")
        Membership.objects.create(user=other, bureau=tree.b, role=Membership.Role.INSPECTOR)


def test_unknown_user_and_wrong_password_take_comparable_time(tree, settings):
    """With the production hasher (PBKDF2), an unknown username costs a password hash too, so
    the answer's time does not tell whether the account exists."""
    import time

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = tree.user("a", "officer")
    user.set_password(PASSWORD)
    user.save()

    def timed(username):
        start = time.perf_counter()
        assert _login(Client(), username, "wrong-Password-1").status_code == 200
        return time.perf_counter() - start

    known = min(timed("a_officer") for _ in range(2))
    unknown = min(timed(f"nobody{i}") for i in range(2))
    assert 1 / 3 < unknown / known < 3, (known, unknown)
