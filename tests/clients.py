"""Signed-in test clients: a page client and an API client of one user (force_login, with the
second factor verified for an administrator: tests/conftest.py)."""

from django.test import Client
from rest_framework.test import APIClient


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client
