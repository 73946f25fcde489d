"""Signed-in test clients: a page client and an API client of one user (force_login, with the
second factor verified for an administrator: tests/conftest.py); the statements of one request."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


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
