"""Signed-in test clients: a page client and an API client of one user (force_login, with the
second factor verified for an administrator: tests/conftest.py); the statements of one request;
the own-password form posted."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def statements(client, url, params=None) -> list[str]:
    """The SQL statements one GET of `url` runs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def password_change(client, new, *, old=PASSWORD, again=None):
    """POST the own-password form: the `old` password, then `new` (confirmed as `again`, by
    default the same)."""
    return client.post(
        reverse("password_change"),
        {
            "old_password": old,
            "new_password1": new,
            "new_password2": new if again is None else again,
        },
    )
