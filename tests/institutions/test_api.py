"""The institutions API: list, retrieve, create, update, filters, 400s in Chinese, query counts."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from institutions.models import Institution
from institutions.services.lists import list_entry_add
from institutions.services.staff import staff_add
from tests.institutions.conftest import valid_code, wrong_code

pytestmark = pytest.mark.django_db
LIST = reverse("institution-list")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def detail(pk):
    return reverse("institution-detail", args=[pk])


def test_create_goes_through_the_rules(tree):
    client = api(tree.user("a", "officer"))
    response = client.post(
        LIST,
        {
            "name": "西湖围棋培训中心",
            "category": "arts",
            "credit_code": valid_code(1),
            "contact_phone": "13800138000",
            "bureau": tree.b.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["bureau"] == tree.a.pk  # the acting bureau, whatever the payload says
    assert body["department"] == "culture"
    assert body["name_initials"] == "xhwqpxzx"
    assert body["contact_phone_masked"] == "138****8000"
    assert "contact_phone" not in body
    assert body["status"] == "preparing"


def test_create_errors_are_field_level_and_chinese(tree):
    client = api(tree.user("a", "officer"))
    response = client.post(
        LIST, {"name": "甲", "category": "arts", "credit_code": wrong_code(1)}, format="json"
    )
    assert response.status_code == 400
    assert "校验位" in response.json()["credit_code"][0]
    response = client.post(
        LIST,
        {"name": "乙", "category": "academic", "profit": "non_profit", "audience_compulsory": True},
        format="json",
    )
    assert response.status_code == 400
    assert "义务教育" in response.json()["category"][0]
    response = client.post(LIST, {"category": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "category"}
    assert not Institution.objects.exists()


def test_update_and_status_is_read_only(make_institution, tree):
    i = make_institution()
    client = api(tree.user("a", "officer"))
    response = client.patch(
        detail(i.pk), {"address": "古墩路1号", "status": "banned"}, format="json"
    )
    assert response.status_code == 200, response.data
    i.refresh_from_db()
    assert i.address == "古墩路1号" and i.status == "preparing"
    response = client.patch(
        detail(i.pk), {"profit": "for_profit", "category": "academic"}, format="json"
    )
    assert response.status_code == 400


def test_roles(make_institution, tree):
    i = make_institution()
    assert api(tree.user("a", "inspector")).get(detail(i.pk)).status_code == 200
    assert (
        api(tree.user("a", "inspector")).patch(detail(i.pk), {}, format="json").status_code == 403
    )
    assert api(tree.user("b", "officer")).get(detail(i.pk)).status_code == 404
    assert api(tree.user("city", "supervisor")).get(detail(i.pk)).status_code == 200
    assert api(tree.user("a", "officer")).delete(detail(i.pk)).status_code == 405


def test_filters(make_institution, tree):
    academic = make_institution(name="求是学科培训学校", category="academic", profit="non_profit")
    suspended = make_institution(name="星光舞蹈", status="suspended")
    black = make_institution(name="黑心培训")
    list_entry_add(actor=None, institution=black, kind="black", reason="卷钱跑路")
    staff_add(actor=None, institution=suspended, name="钱老师", is_in_service_teacher=False)
    client = api(tree.user("a", "officer"))

    def names(**params):
        return {r["name"] for r in client.get(LIST, params).json()["results"]}

    assert names(category="academic") == {academic.name}
    assert names(status="suspended") == {suspended.name}
    assert names(list="black") == {black.name}
    assert black.name not in names(list="none")
    assert names(q="qsxk") == {academic.name}  # pinyin initials
    assert names(q="星光") == {suspended.name}
    assert names(q=black.credit_code.lower()) == {black.name}
    assert suspended.name in names(warning="no_school_licence")
    assert names(licence="missing") >= {academic.name, black.name}
    response = client.get(LIST, {"status": "flying"})
    assert response.status_code == 400


def test_list_query_count_is_pinned(make_institution, tree, django_assert_num_queries):
    for n in range(30):
        i = make_institution(licensed=n % 2 == 0)
        if n % 3 == 0:
            list_entry_add(actor=None, institution=i, kind="black", reason="无证")
    client = api(tree.user("a", "officer"))
    # acting membership, count, one page (list membership and licence are columns)
    with django_assert_num_queries(3):
        response = client.get(LIST)
    assert response.status_code == 200 and response.json()["count"] == 30


def test_schema_documents_the_endpoint(tree):
    client = api(tree.user("a", "officer"))
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/institutions/" in schema and "List institutions" in schema


def test_an_empty_credit_code_is_refused(tree):
    client = api(tree.user("a", "officer"))
    for payload in (
        {"name": "甲", "category": "arts"},
        {"name": "甲", "category": "arts", "credit_code": "  "},
    ):
        response = client.post(LIST, payload, format="json")
        assert response.status_code == 400, response.data
        assert response.json()["credit_code"] == ["请填写统一社会信用代码。"]
    assert not Institution.objects.exists()


def test_serializer_fields_are_built_once_and_never_shared(make_institution, tree):
    """The serializer's fields are built from the model once per process (issue 11); every
    serializer still gets its own copies, so one request's binding or errors never reach
    another's."""
    from institutions.api.serializers import InstitutionSerializer

    first, second = InstitutionSerializer(), InstitutionSerializer()
    assert set(first.fields) == set(second.fields)
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    refused = InstitutionSerializer(data={"name": "", "category": "nope"})
    assert not refused.is_valid()
    assert {"name", "category"} <= set(refused.errors)
    institution = make_institution(name="西湖书法培训中心")
    client = api(tree.user("a", "officer"))
    body = client.get(detail(institution.pk)).json()
    assert body["name"] == "西湖书法培训中心" and "contact_phone" not in body
