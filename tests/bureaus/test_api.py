"""The API: field errors on bad input, the schema, and pinned query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bureaus.context import acting, system_actor
from bureaus.models import Department, Street


@pytest.fixture
def admin_api(tree):
    client = APIClient()
    client.force_login(tree.user("a", "admin"))
    return client


def test_malformed_payload_gets_400_with_field_errors(admin_api):
    response = admin_api.post("/api/v1/streets/", {"name": ""}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    response = admin_api.post(
        "/api/v1/departments/", {"name": "某部门", "kind": "pirates"}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    response = admin_api.post("/api/v1/streets/", b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Street.objects.exists()


def test_duplicate_street_is_a_field_error(admin_api, tree):
    with acting(system_actor("tests")):
        Street.objects.create(bureau=tree.a, name="北山街道")
        Street.objects.create(bureau=tree.b, name="湖滨街道")
    response = admin_api.post("/api/v1/streets/", {"name": "北山街道"}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == ["本区已有同名街道（乡镇）。"]
    # The same name in another district is no conflict.
    assert (
        admin_api.post("/api/v1/streets/", {"name": "湖滨街道"}, format="json").status_code == 201
    )


def test_payload_cannot_place_a_record_in_another_bureau(admin_api, tree):
    response = admin_api.post(
        "/api/v1/streets/", {"name": "西溪街道", "bureau": tree.b.pk}, format="json"
    )
    assert response.status_code == 201
    assert Street.objects.get(name="西溪街道").bureau == tree.a


def test_schema_is_served(admin_api):
    response = admin_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/streets/" in response.content.decode()
    assert admin_api.get("/api/docs/").status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # session, user, the administrator's TOTP device (second factor), memberships, count, page
        ("/api/v1/streets/", 6),
        ("/api/v1/departments/", 6),
        ("/api/v1/bureaus/", 6),
    ],
)
def test_list_query_counts_are_pinned(admin_api, tree, url, queries):
    with acting(system_actor("tests")):
        for i in range(30):
            Street.objects.create(bureau=tree.a, name=f"街道{i}")
            Department.objects.create(bureau=tree.a, name=f"部门{i}", kind="fire")
    with CaptureQueriesContext(connection) as captured:
        assert admin_api.get(url).status_code == 200
    assert len(captured) == queries, [q["sql"] for q in captured]


def test_bureau_serializer_fields_are_built_once_and_never_shared(tree):
    """The floor's serializer (the acting bureau's own record) builds its fields from the model
    once per process (bureaus.api.base.FieldsBuiltOnce, issue 11); each serializer still gets
    its own copies, bound to it, and gives what DRF's own build gives."""
    from rest_framework import serializers

    from bureaus.api.serializers import BureauSerializer

    class Built(serializers.ModelSerializer):
        class Meta(BureauSerializer.Meta):
            pass

    first, second = BureauSerializer(tree.a), BureauSerializer(tree.b)
    assert list(first.fields) == list(Built(tree.a).fields) == BureauSerializer.Meta.fields
    assert "_fields_built_once" in BureauSerializer.__dict__
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    assert first.data == Built(tree.a).data and second.data == Built(tree.b).data
    assert first.data["code"] == tree.a.code


def test_own_bureau_api_is_the_floor(tree):
    """The cheapest signed-in API request (bench/harness.py's FLOOR row) answers the acting
    bureau's record; another district's is a 404."""
    client = APIClient()
    client.force_authenticate(tree.user("a", "officer"))
    body = client.get(f"/api/v1/bureaus/{tree.a.pk}/").json()
    assert body == {
        "id": tree.a.pk,
        "code": tree.a.code,
        "name": tree.a.name,
        "level": tree.a.level,
        "parent": tree.a.parent_id,
        "path": tree.a.path,
    }
    assert client.get(f"/api/v1/bureaus/{tree.b.pk}/").status_code == 404
