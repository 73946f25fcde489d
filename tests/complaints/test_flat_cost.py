"""Flat cost at national scale (issue 11): the inbox's SQL has no DISTINCT and no count over
the whole scope, the count is capped, and the API's list rows never decrypt the reporter."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bureaus import paging
from bureaus.context import acting, system_actor
from complaints.models import Complaint
from tests.complaints.records import make_complaint

pytestmark = pytest.mark.django_db

FILTERED = {"status": ["assigned", "received"], "overdue": "true"}


def _unbounded_counts(queries):
    """COUNT statements not limited to COUNT_CAP + 1 rows."""
    return [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper()
        and f"LIMIT {paging.COUNT_CAP + 1}" not in q["sql"].upper()
        and "complaints_complaint" in q["sql"]
    ]


@pytest.fixture
def late_complaints(tree):
    with acting(system_actor("tests")):
        for i in range(6):
            make_complaint(tree.a, f"逾期机构{i}", status="assigned", due_on=dt.date(2020, 1, 1))
        make_complaint(tree.b, "乙区逾期机构", status="assigned", due_on=dt.date(2020, 1, 1))


@pytest.mark.parametrize("url", ["/complaints/", "/api/v1/complaints/"])
@pytest.mark.parametrize("who", [("a", "officer"), ("city", "supervisor")])
def test_filtered_inbox_sql_has_no_distinct_and_no_unbounded_count(tree, late_complaints, url, who):
    client = APIClient() if "api" in url else Client()
    client.force_login(tree.user(*who))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, FILTERED)
    assert response.status_code == 200
    inbox = [q["sql"] for q in captured.captured_queries if "complaints_complaint" in q["sql"]]
    assert len(inbox) == 2  # the capped count and the page
    assert not [sql for sql in inbox if re.search(r"\bDISTINCT\b", sql, re.I)]
    assert not _unbounded_counts(captured.captured_queries)
    if "api" in url:
        assert response.json()["count"] == (7 if who[0] == "city" else 6)


def test_count_beyond_the_cap_reads_as_more(tree, late_complaints, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    api = APIClient()
    api.force_login(tree.user("a", "officer"))
    body = api.get("/api/v1/complaints/").json()
    assert body["count"] == 4 and body["count_capped"] is True
    assert len(body["results"]) == 6  # the page itself is not capped
    page = Client()
    page.force_login(tree.user("a", "officer"))
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    html = page.get("/complaints/").content.decode()
    assert "共 2+ 条" in html and "逾期机构5" in html
    monkeypatch.setattr(paging, "COUNT_CAP", 100)
    body = api.get("/api/v1/complaints/").json()
    assert body["count"] == 6 and body["count_capped"] is False


def test_list_rows_say_whether_the_reporter_is_named_without_decrypting(tree, monkeypatch):
    with acting(system_actor("tests")):
        named = make_complaint(
            tree.a, "实名机构", reporter_name="张三", reporter_phone="13800000000"
        )
        anonymous = make_complaint(tree.a, "匿名机构")
    api = APIClient()
    api.force_login(tree.user("a", "officer"))
    from bureaus import crypto

    def refuse(token):
        raise AssertionError("the list decrypted a reporter's identity")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    rows = {r["id"]: r for r in api.get("/api/v1/complaints/").json()["results"]}
    assert rows[named.pk]["reporter_named"] is True
    assert rows[anonymous.pk]["reporter_named"] is False
    assert set(rows[named.pk]) >= {"allowed_transitions", "overdue", "description", "bureau_name"}
    monkeypatch.undo()
    detail = api.get(f"/api/v1/complaints/{named.pk}/").json()
    assert detail == rows[named.pk]


def _closed_complaint(bureau, **extra):
    """A closed tip-off with every date set (observed, overdue, concluded, closed)."""
    from django.utils import timezone

    done = make_complaint(
        bureau,
        "办结机构",
        status="closed",
        observed_on=dt.date(2026, 3, 1),
        overdue_since=dt.date(2026, 4, 1),
        outcome="substantiated",
        **extra,
    )
    Complaint.objects.filter(pk=done.pk).update(
        concluded_at=timezone.now(), closed_at=timezone.now()
    )
    return done


def test_list_rows_equal_the_detail_for_every_field(tree):
    with acting(system_actor("tests")):
        done = _closed_complaint(tree.a, public_reply="已查处")
    api = APIClient()
    api.force_login(tree.user("a", "officer"))
    row = api.get("/api/v1/complaints/").json()["results"][0]
    detail = api.get(f"/api/v1/complaints/{done.pk}/").json()
    assert row == detail
    assert list(row) == list(detail)
    assert row["closed_at"] and row["observed_on"] == "2026-03-01"


def test_inbox_rows_link_to_their_records(tree, late_complaints):
    """The rows' links are made from one reverse() per request (bureaus.pages row_urls), and
    each is the record's own detail URL."""
    from django.urls import reverse

    page = Client()
    page.force_login(tree.user("a", "officer"))
    html = page.get("/complaints/").content.decode()
    shown = Complaint.objects.filter(bureau=tree.a)
    assert shown.exists()
    for pk in shown.values_list("pk", flat=True):
        assert f'href="{reverse("complaints:complaint-detail", args=[pk])}"' in html
    other = Complaint.objects.get(bureau=tree.b)
    assert f'href="{reverse("complaints:complaint-detail", args=[other.pk])}"' not in html


def test_the_direct_representation_equals_drfs_field_walk(tree):
    """The serializers read their fields directly (issue 11); DRF's generic walk of the same
    declared fields gives the same output, for an open tip-off and a closed one with every
    date set, named and anonymous."""
    from rest_framework import serializers

    from complaints.api.serializers import ComplaintSerializer

    with acting(system_actor("tests")):
        named = make_complaint(
            tree.a, "直接机构", reporter_name="张三", reporter_phone="13800000000"
        )
        done = _closed_complaint(tree.a)
    for record in (named, Complaint.objects.get(pk=done.pk)):
        serializer = ComplaintSerializer(record)
        walked = serializers.ModelSerializer.to_representation(serializer, record)
        direct = serializer.data
        assert direct == walked
        assert list(direct) == list(walked)
    assert ComplaintSerializer(named).data["reporter_named"] is True


def test_duplicate_hint_scores_only_the_latest_open_tip_offs(tree, institution_a, monkeypatch):
    """The hint reads the same institution's open tip-offs by index and scores only the
    district's DUPLICATE_WINDOW latest open ones: its cost does not grow with the table."""
    from django.utils import timezone

    from complaints import selectors

    now = timezone.now()
    with acting(system_actor("tests")):
        old_same = make_complaint(
            tree.a, "旧名字", institution=institution_a, received_at=now - dt.timedelta(days=60)
        )
        old_name = make_complaint(
            tree.a, "西湖启明星学科辅导", received_at=now - dt.timedelta(days=50)
        )
        for i in range(3):
            make_complaint(tree.a, f"无关机构{i}", received_at=now - dt.timedelta(days=i))
        new_name = make_complaint(tree.a, "启明星学科辅导中心", received_at=now)
        first = make_complaint(
            tree.a, "启明星学科辅导中心", institution=institution_a, external_ref="12345-1"
        )
    everything = {c.pk for c in selectors.complaint_duplicates(complaint=first)}
    assert everything == {old_same.pk, old_name.pk, new_name.pk}
    monkeypatch.setattr(selectors, "DUPLICATE_WINDOW", 4)
    with CaptureQueriesContext(connection) as captured:
        windowed = {c.pk for c in selectors.complaint_duplicates(complaint=first)}
    # Beyond the window: the old tip-off with a matching name; the same institution's stays.
    assert windowed == {old_same.pk, new_name.pk}
    scored = [q["sql"] for q in captured.captured_queries if "SIMILARITY" in q["sql"].upper()]
    assert len(scored) == 1 and "LIMIT 4" in scored[0]


def test_city_inbox_reads_its_districts_with_its_scope(
    tree, late_complaints, django_assert_num_queries
):
    """The superior's district filter comes from the scope's own subtree (issue 11): session,
    user, notifications, the capped count, the page, the saved filters (the memberships and
    their subtree come from Redis after the first request)."""
    client = Client()
    client.force_login(tree.user("city", "supervisor"))
    # The calendar's known years (read once per process) and the memberships (kept in Redis).
    client.get("/complaints/")
    with django_assert_num_queries(6):
        body = client.get("/complaints/", {"group": "district"}).content.decode()
    select = body[
        body.index('id="id_district"') : body.index("</select>", body.index('id="id_district"'))
    ]
    assert select.index(tree.a.name) > 0 and select.index(tree.b.name) > 0
    assert tree.province.name not in select and tree.city.name not in select
    # grouped by district: one header row a district, in the rows built in Python
    assert body.count('scope="rowgroup"') == 2


def test_inbox_rows_escape_what_was_typed(tree):
    with acting(system_actor("tests")):
        make_complaint(tree.a, "<b>机构</b>&“引号”", status="assigned", due_on=dt.date(2020, 1, 1))
    client = Client()
    client.force_login(tree.user("a", "officer"))
    body = client.get("/complaints/").content.decode()
    assert "<b>机构</b>" not in body
    assert "&lt;b&gt;机构&lt;/b&gt;&amp;“引号”" in body
    assert (
        '<span class="badge text-bg-primary">已分派</span> '
        '<span class="badge text-bg-danger">已逾期</span>' in body
    )


def test_detail_page_queries_are_pinned(tree):
    """The reward and the refund dispute come with the tip-off (select_related), and a view
    with no unread notification for the page runs one look-up, not the audited update: 9
    queries (was 13; the memberships from Redis after the first request), 10 for an open
    tip-off (its duplicate hint)."""
    from complaints.models import RefundDispute, Reward

    with acting(system_actor("tests")):
        complaint = make_complaint(
            tree.a, "详情机构", status="concluded", outcome=Complaint.Outcome.SUBSTANTIATED
        )
        Reward.objects.create(
            bureau=tree.a, complaint=complaint, amount_fen=500_00, notify_by=complaint.due_on
        )
        RefundDispute.objects.create(
            bureau=tree.a, complaint=complaint, students=12, amount_disputed_fen=3_600_000
        )
        bare = make_complaint(tree.a, "无奖励机构", status="assigned")
    client = Client()
    client.force_login(tree.user("a", "officer"))
    client.get(f"/complaints/{bare.pk}/")
    for record, expected in ((complaint, 9), (bare, 10)):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/complaints/{record.pk}/").content.decode()
        statements = [q["sql"] for q in queries.captured_queries]
        assert len(statements) == expected, statements
        assert not [q for q in statements if q.startswith('SELECT "complaints_reward"')]
        assert not [q for q in statements if q.startswith('SELECT "complaints_refunddispute"')]
        assert not [q for q in statements if q.startswith("UPDATE")]
        assert ("¥500.00" in body and "¥36,000.00" in body) == (record == complaint)


def test_inbox_page_compiles_a_request_shape_once_and_reads_its_rows_every_time(
    tree, late_complaints, monkeypatch
):
    """The inbox page's capped count and page are compiled once per request shape (core.tables
    compiled_rows, as the API's): a repeated request builds no filtered queryset, yet reads
    the rows again, and another filter is another shape."""
    from complaints.filters import ComplaintFilterSet

    built = []
    real = ComplaintFilterSet.filter_queryset
    monkeypatch.setattr(
        ComplaintFilterSet, "filter_queryset", lambda self, qs: built.append(1) or real(self, qs)
    )
    client = Client()
    client.force_login(tree.user("a", "officer"))
    query = {"status": "assigned", "q": "逾期"}
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/complaints/", query).content.decode()
    assert first.count('name="id" value=') == 6 and len(built) == 1
    # The count reads the tip-offs alone, not the tables the rows' values join.
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "JOIN" not in counts[0].upper()
    with acting(system_actor("tests")):
        make_complaint(tree.a, "新逾期机构", status="assigned", due_on=dt.date(2020, 1, 2))
    again = client.get("/complaints/", query).content.decode()
    assert len(built) == 1  # nothing built, nothing compiled
    assert again.count('name="id" value=') == 7 and "新逾期机构" in again
    other = client.get("/complaints/", {**query, "q": "新"}).content.decode()
    assert len(built) == 2 and other.count('name="id" value=') == 1
    # Another district's officer with the same query string: another scope, another shape.
    client.force_login(tree.user("b", "officer"))
    theirs = client.get("/complaints/", query).content.decode()
    assert len(built) == 3 and "新逾期机构" not in theirs and "乙区逾期机构" in theirs
