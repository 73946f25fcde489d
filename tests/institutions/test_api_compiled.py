"""The registry list API's SQL compiled once per request shape (core.api.compiled, issue 11):
a repeated request gives the JSON of the ordinary path and of DRF's own walk of the
serializer's fields on each record (list flags, licence, masked phone, warnings in either
language), reads the database every time and stays in its scope."""

import datetime as dt

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from bureaus.models import Street
from institutions.api.serializers import InstitutionSerializer
from institutions.api.views import InstitutionViewSet
from institutions.models import Institution
from institutions.selectors import institution_annotate
from institutions.services.lists import list_entry_add
from tests.compiled_api import assert_detail_as_ordinary, assert_list_as_ordinary
from tests.institutions.conftest import license_institution

pytestmark = pytest.mark.django_db

URL = "/api/v1/institutions/"


@pytest.fixture
def varied(tree, make_institution):
    street = Street.objects.create(bureau=tree.a, name="文新街道")
    plain = make_institution(name="简单培训")
    # Warnings as the rules record them (their labels are translated per request).
    Institution.objects.filter(pk=plain.pk).update(
        warning_codes=["no_school_licence", "academic_for_profit"]
    )
    full = make_institution(
        name="完整培训", street=street, contact_name="李四", contact_phone="13900001111"
    )
    license_institution(full)
    list_entry_add(actor=None, institution=full, kind="black", reason="卷钱跑路")
    white = make_institution(
        name="白名单学科培训",
        category="academic",
        profit="non_profit",
        licensed=True,
        status="normal",
    )
    list_entry_add(actor=None, institution=white, kind="white", reason="规范")
    expiring = make_institution(name="将到期艺术培训", status="suspended")
    license_institution(expiring, expires_on=dt.date.today() + dt.timedelta(days=10))
    make_institution(name="乙区培训", bureau=tree.b, licensed=True)
    return tree


def _walked(pk):
    record = institution_annotate(Institution.objects.all()).get(pk=pk)
    return serializers.ModelSerializer.to_representation(InstitutionSerializer(record), record)


CASES = [
    ({}, {}),
    ({}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ({"list": "black"}, {}),
    ({"list": "none", "category": "arts"}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ({"licence": "expiring"}, {}),
    ({"licence": "missing", "warning": "any"}, {}),
    ({"q": "培训"}, {}),
    ({"q": "wzpx"}, {}),
    ({"status": "suspended", "page": "1"}, {}),
]


@pytest.mark.parametrize("who", [("a", "officer"), ("city", "supervisor")])
@pytest.mark.parametrize(("params", "headers"), CASES)
def test_compiled_list_equals_the_ordinary_path_and_drfs_walk(
    varied, monkeypatch, who, params, headers
):

    def walked(pk, row):
        expected = _walked(pk)
        if headers:  # the warnings' labels in the request's language
            expected["warnings"] = row["warnings"]
        return expected

    body = assert_list_as_ordinary(
        varied,
        who,
        URL,
        params,
        headers,
        viewset=InstitutionViewSet,
        monkeypatch=monkeypatch,
        walked=walked,
    )
    assert body["results"], params


def test_warnings_follow_the_request_language(varied):
    client = APIClient()
    client.force_login(varied.user("a", "officer"))
    params = {"warning": "any"}
    chinese = client.get(URL, params).json()["results"]
    english = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [r["warning_codes"] for r in chinese] == [r["warning_codes"] for r in english]
    assert [r["warnings"] for r in chinese] != [r["warnings"] for r in english]


def test_a_street_filter_is_validated_every_time(varied):
    """A filter whose validation reads the database goes the ordinary way."""
    client = APIClient()
    client.force_login(varied.user("a", "officer"))
    street = Street.objects.get(name="文新街道")
    assert client.get(URL, {"street": street.pk}).json()["count"] == 1
    other = Street.objects.create(bureau=varied.b, name="乙区街道")
    for _ in range(2):
        assert client.get(URL, {"street": other.pk}).status_code == 400


def test_the_same_request_in_another_scope_reads_its_own_rows(varied):
    for district in ("a", "b", "a"):
        client = APIClient()
        client.force_login(varied.user(district, "officer"))
        rows = client.get(URL).json()["results"]
        assert {row["bureau"] for row in rows} == {getattr(varied, district).pk}


@pytest.mark.parametrize("who", [("a", "officer"), ("city", "supervisor")])
def test_compiled_detail_equals_drfs_walk_and_keeps_the_scope(varied, monkeypatch, who):
    assert_detail_as_ordinary(
        varied, who, URL, viewset=InstitutionViewSet, monkeypatch=monkeypatch, walked=_walked
    )
