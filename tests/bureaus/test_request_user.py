"""After the acting membership is chosen, `request.user` is the user object itself, not the
lazy proxies of authentication and django-otp (bureaus.middleware, issue 11), with what
django-otp put on it."""

import pytest
from django.utils.functional import LazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from bureaus.models import User

pytestmark = pytest.mark.django_db


def test_signed_in_request_user_is_the_user(client, tree):
    officer = tree.user("a", "officer")
    client.force_login(officer)
    response = client.get(f"/api/v1/bureaus/{tree.a.pk}/")
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is User and not isinstance(user, LazyObject)
    assert user.pk == officer.pk
    assert user.membership.bureau_id == tree.a.pk
    assert user.is_verified() is False and user.otp_device is None


def test_administrator_second_factor_still_read(client, tree):
    """The gate reads django-otp's verification through the unwrapped user: an administrator
    who passed TOTP reaches the API, one who did not is refused."""
    admin = tree.user("a", "admin")
    client.force_login(admin)  # with the second factor (tests/conftest.py)
    response = client.get(f"/api/v1/bureaus/{tree.a.pk}/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified() is True
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    assert client.get(f"/api/v1/bureaus/{tree.a.pk}/").status_code == 403


def test_anonymous_request_keeps_the_anonymous_user(client):
    response = client.get("/api/v1/bureaus/1/")
    assert response.status_code in (401, 403)
    assert not response.wsgi_request.user.is_authenticated
