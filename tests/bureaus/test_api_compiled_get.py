"""A scoped API detail read by the statement compiled once per scope (ScopedViewSet.get_object,
bureaus.db.compiled.CompiledGet, issue 11): for every scoped API detail route, the same status,
the same JSON and no more queries than DRF's own way, for a district user (own record 200,
a sibling district's 404) and the city supervisor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bureaus.api.base import ScopedViewSet
from bureaus.db.compiled import CompiledGet
from bureaus.models import Bureau, Membership, Street
from bureaus.permissions import allowed_roles
from tests.records import make_record
from tests.test_isolation import APIS, _client, _district_user

pytestmark = pytest.mark.django_db

DETAILS = [r for r in APIS if r.detail and "get" in r.actions]


def _forget_compiled():
    for route in DETAILS:
        route.view._compiled_gets.clear()


def _served(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    body = response.json() if response.get("Content-Type") == "application/json" else None
    return response.status_code, body, len(queries)


def _both_ways(client, url, monkeypatch):
    """(compiled on first request, compiled on the next, DRF's way)."""
    _forget_compiled()
    first = _served(client, url)
    again = _served(client, url)
    with monkeypatch.context() as patch:
        patch.setattr(CompiledGet, "of", classmethod(lambda cls, queryset, field: None))
        _forget_compiled()
        ordinary = _served(client, url)
    return first, again, ordinary


@pytest.mark.parametrize("route", DETAILS, ids=str)
def test_a_compiled_detail_answers_as_drf_does(route, tree, monkeypatch):
    record_a = make_record(route.model, tree.a, f"甲区记录{route.model.__name__}")
    record_b = make_record(route.model, tree.b, f"乙区记录{route.model.__name__}")
    users = [_district_user(tree, route)]
    if "supervisor" in allowed_roles(route.read_action()):
        users.append(tree.user("city", "supervisor"))
    seen = set()
    for user in users:
        client = _client(user, api=True)
        for record in (record_a, record_b):
            first, again, ordinary = _both_ways(client, route.url(record), monkeypatch)
            assert first[:2] == again[:2] == ordinary[:2], (user.username, record.pk)
            assert again[2] <= ordinary[2]
            seen.add(ordinary[0])
    assert 200 in seen
    if len(users) == 1:
        assert 404 in seen  # the sibling district's record


def test_an_unknown_or_foreign_id_is_the_same_404(tree, monkeypatch):
    client = _client(tree.user("a", "officer"), api=True)
    for pk in (tree.b.pk, 2_000_000_000, 99_999_999_999, "x1"):
        url = f"/api/v1/bureaus/{pk}/"
        first, again, ordinary = _both_ways(client, url, monkeypatch)
        assert first[:2] == again[:2] == ordinary[:2]
        assert ordinary[0] == 404


def test_the_compiled_statement_is_used_with_select_related(tree):
    """The bureau's record (plain), a membership (its user joined) and a street: read with
    the compiled statement, one query each, the related row built as select_related does."""
    admin = tree.user("a", "admin")
    membership = Membership.objects.get(user=admin)
    street = make_record(Street, tree.a, "甲区记录Street")
    client = _client(admin, api=True)
    _forget_compiled()
    for url in (
        reverse("bureau-detail", kwargs={"pk": tree.a.pk}),
        reverse("membership-detail", kwargs={"pk": membership.pk}),
        reverse("street-detail", kwargs={"pk": street.pk}),
    ):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # The record's statement, not the session's nor the signed-in user's row (also a get).
        records = [
            q
            for q in queries
            if "LIMIT 21" in q["sql"]
            and "django_session" not in q["sql"]
            and not q["sql"].startswith('SELECT "bureaus_user"."id"')
        ]
        assert len(records) == 1  # the record's own statement
    compiled = [
        get
        for route in DETAILS
        if route.view.__name__ in ("BureauViewSet", "MembershipViewSet")
        for get in route.view._compiled_gets.values()
    ]
    assert compiled and all(isinstance(get, CompiledGet) for get in compiled)
    assert any(get.populators for get in compiled)  # the membership's user


def test_writes_and_query_strings_go_drfs_way(tree):
    client = _client(tree.user("a", "officer"), api=True)
    _forget_compiled()
    url = reverse("bureau-detail", kwargs={"pk": tree.a.pk})
    assert client.get(url, {"x": "1"}).status_code == 200
    assert client.patch(url, {}, format="json").status_code in (403, 404, 405)
    assert not any(route.view._compiled_gets for route in DETAILS)


def test_every_scoped_viewset_keeps_its_own_statements():
    classes = {route.view for route in DETAILS}
    assert len({id(cls._compiled_gets) for cls in classes}) == len(classes)
    assert all(issubclass(cls, ScopedViewSet) for cls in classes)
    assert Bureau in {route.model for route in DETAILS}
