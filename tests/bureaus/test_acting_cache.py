"""A user's memberships kept in Redis between requests (bureaus.acting, issue 11): read without a
query, and every change — a membership deactivated, deleted or granted, its role, the user
deactivated, a bureau added to the tree — takes effect on the very next request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bureaus import acting
from bureaus.context import acting as acting_as
from bureaus.context import system_actor
from bureaus.models import Bureau, Membership
from bureaus.services import user_set_active
from complaints.models import Complaint
from tests.complaints.records import make_complaint

pytestmark = pytest.mark.django_db

API = "/api/v1/complaints/"


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _membership_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(API)
    return response, [q for q in captured.captured_queries if "bureaus_membership" in q["sql"]]


def test_memberships_are_read_once_then_from_redis(tree):
    client = _client(tree.user("a", "officer"))
    first, queries = _membership_queries(client)
    assert first.status_code == 200 and len(queries) == 1
    second, queries = _membership_queries(client)
    assert second.status_code == 200 and queries == []
    assert second.json() == first.json()


def test_a_deactivated_membership_takes_effect_on_the_next_request(tree):
    officer = tree.user("a", "officer")
    client = _client(officer)
    assert client.get(API).status_code == 200
    membership = Membership.objects.get(user=officer)
    membership.is_active = False
    membership.save()
    assert client.get(API).status_code == 403


def test_a_deleted_membership_takes_effect_on_the_next_request(tree):
    officer = tree.user("a", "officer")
    client = _client(officer)
    assert client.get(API).status_code == 200
    Membership.objects.filter(user=officer).get().delete()
    assert client.get(API).status_code == 403


def test_a_changed_role_takes_effect_on_the_next_request(tree):
    officer = tree.user("a", "officer")
    client = _client(officer)
    assert client.get(API).status_code == 200
    membership = Membership.objects.get(user=officer)
    assert acting.active_memberships(officer)[0].role == "officer"
    membership.role = "inspector"
    membership.save()
    assert acting.active_memberships(officer)[0].role == "inspector"


def test_a_granted_membership_takes_effect_on_the_next_request(tree):
    """An account of district A given a membership in district B acts there at once."""
    officer = tree.user("a", "officer")
    with acting_as(system_actor("tests")):
        make_complaint(tree.b, "乙区机构")
    client = _client(officer)
    assert client.get(API, HTTP_X_BUREAU=tree.b.code).status_code == 403
    Membership.objects.create(user=officer, bureau=tree.b, role="officer")
    rows = client.get(API, HTTP_X_BUREAU=tree.b.code).json()["results"]
    assert [r["institution_name"] for r in rows] == ["乙区机构"]


def test_a_deactivated_user_is_refused_on_the_next_request(tree):
    officer = tree.user("a", "officer")
    client = _client(officer)
    assert client.get(API).status_code == 200
    user_set_active(actor=tree.user("a", "admin"), user=officer, is_active=False)
    assert client.get(API).status_code in (401, 403)


def test_a_new_district_is_in_the_city_scope_on_the_next_request(tree):
    supervisor = tree.user("city", "supervisor")
    client = _client(supervisor)
    before = client.get(API).json()["count"]
    with acting_as(system_actor("tests")):
        district = Bureau.objects.create(
            code="330199", name="新区教育局", level="district", parent=tree.city
        )
        make_complaint(district, "新区机构")
    body = client.get(API).json()
    assert body["count"] == before + 1
    assert "新区机构" in [r["institution_name"] for r in body["results"]]
    assert Complaint.objects.filter(bureau=district).exists()


def test_the_copy_is_dropped_again_when_the_change_commits(
    tree, django_capture_on_commit_callbacks
):
    """A request that read the memberships while the change was not yet committed may have
    kept the old rows: the commit drops them again."""
    officer = tree.user("a", "officer")
    membership = Membership.objects.get(user=officer)
    with django_capture_on_commit_callbacks(execute=True):
        membership.is_active = False
        membership.save()
        cache.set(acting._KEY.format(officer.pk), [membership], 600)  # a stale copy
    assert cache.get(acting._KEY.format(officer.pk)) is None
    assert acting.active_memberships(officer) == []
