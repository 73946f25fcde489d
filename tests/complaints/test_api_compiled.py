"""The tip-off list API's SQL compiled once per request shape (core.api.compiled, issue 11): a
repeated request gives the JSON of the ordinary path (DRF's own walk of the serializer's
fields on each record), reads the database every time, stays in its scope and builds no
queryset."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from bureaus.context import acting, system_actor
from complaints.api.serializers import ComplaintSerializer
from complaints.api.views import ComplaintViewSet
from complaints.models import Complaint
from tests.compiled_api import assert_detail_as_ordinary, assert_list_as_ordinary
from tests.complaints.records import make_complaint

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


@pytest.fixture
def varied(tree):
    """Tip-offs of every kind the list shows: open, overdue, closed with every date, merged,
    named and anonymous, with and without a handler, institution and observed date; and one
    of the other district."""
    officer = tree.user("a", "officer")
    late = dt.date(2020, 1, 1)
    with acting(system_actor("tests")):
        fresh = make_complaint(tree.a, "新收机构")
        make_complaint(
            tree.a,
            "实名机构",
            status="assigned",
            assignee=officer,
            due_on=late,
            reporter_name="张三",
            reporter_phone="13800000000",
            observed_on=dt.date(2026, 3, 1),
        )
        make_complaint(tree.a, "逾期机构", status="accepted", due_on=late, overdue_since=late)
        done = make_complaint(
            tree.a,
            "办结机构",
            status="closed",
            outcome="substantiated",
            public_reply="已查处",
            overdue_since=dt.date(2026, 4, 1),
        )
        Complaint.objects.filter(pk=done.pk).update(
            concluded_at=timezone.now(), closed_at=timezone.now()
        )
        make_complaint(tree.a, "重复机构", status="merged", duplicate_of=fresh)
        make_complaint(tree.a, "不受理机构", status="rejected", external_ref="")
        make_complaint(tree.b, "乙区机构", status="assigned", due_on=late)
    return tree


def _walked(pk):
    record = Complaint.objects.select_related("bureau").get(pk=pk)
    return serializers.ModelSerializer.to_representation(ComplaintSerializer(record), record)


CASES = [
    ({}, {}),
    ({"status": ["assigned", "accepted"], "overdue": "true"}, {}),
    ({"overdue": "false", "category": "academic"}, {}),
    ({"open": "false"}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ({"q": "机构", "mine": "true"}, {}),
    ({"q": "实名"}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ({"status": "closed", "page": "1"}, {}),
]


@pytest.mark.parametrize("who", [("a", "officer"), ("city", "supervisor")])
@pytest.mark.parametrize(("params", "headers"), CASES)
def test_compiled_list_equals_the_ordinary_path_and_drfs_walk(
    varied, monkeypatch, who, params, headers
):
    assert_list_as_ordinary(
        varied,
        who,
        URL,
        params,
        headers,
        viewset=ComplaintViewSet,
        monkeypatch=monkeypatch,
        walked=lambda pk, row: _walked(pk),
    )


def test_a_repeated_request_builds_no_queryset_and_reads_the_database(varied, monkeypatch):
    client = APIClient()
    client.force_login(varied.user("a", "officer"))
    params = {"status": "assigned", "overdue": "true"}
    assert client.get(URL, params).json()["count"] == 1

    def refuse(self, queryset):
        raise AssertionError("a compiled request filtered a queryset")

    monkeypatch.setattr(ComplaintViewSet, "filter_queryset", refuse)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(URL, params).json()
    inbox = [q["sql"] for q in captured.captured_queries if "complaints_complaint" in q["sql"]]
    assert len(inbox) == 2  # the capped count and the page, as before
    assert body["count"] == 1
    monkeypatch.undo()  # the page of two rows is a statement of its own (LIMIT 2)
    with acting(system_actor("tests")):
        make_complaint(varied.a, "又一个逾期", status="assigned", due_on=dt.date(2020, 1, 2))
    assert client.get(URL, params).json()["count"] == 2  # rows are never kept


def test_the_same_request_in_another_scope_reads_its_own_rows(varied):
    """Two officers of two districts with the same query string: each their district's."""
    params = {"status": "assigned"}
    seen = {}
    for district in ("a", "b", "a", "b"):
        client = APIClient()
        client.force_login(varied.user(district, "officer"))
        rows = client.get(URL, params).json()["results"]
        seen.setdefault(district, {row["bureau"] for row in rows})
        assert {row["bureau"] for row in rows} == seen[district]
    assert seen == {"a": {varied.a.pk}, "b": {varied.b.pk}}


def test_a_bad_filter_is_a_400_every_time(varied):
    client = APIClient()
    client.force_login(varied.user("a", "officer"))
    for _ in range(2):
        response = client.get(URL, {"status": "nonsense"})
        assert response.status_code == 400
        assert "status" in response.json()


def test_a_page_past_the_end_is_a_404_every_time(varied):
    client = APIClient()
    client.force_login(varied.user("a", "officer"))
    for _ in range(2):
        assert client.get(URL, {"page": "9"}).status_code == 404


@pytest.mark.parametrize("who", [("a", "officer"), ("city", "supervisor")])
def test_compiled_detail_equals_drfs_walk_and_keeps_the_scope(varied, monkeypatch, who):
    assert_detail_as_ordinary(
        varied, who, URL, viewset=ComplaintViewSet, monkeypatch=monkeypatch, walked=_walked
    )


def test_compiled_detail_reads_one_row(varied, django_assert_num_queries):
    client = APIClient()
    client.force_login(varied.user("a", "officer"))
    record = Complaint.objects.filter(bureau=varied.a).first()
    client.get(f"{URL}{record.pk}/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{URL}{record.pk}/").status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if "complaints_complaint" in q["sql"]]
    assert len(reads) == 1
