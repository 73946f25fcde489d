"""The public search stays bounded (issue 11): a fragment most of the registry shares answers
from a capped candidate set and asks for more of the name; searches are rate-limited per
address like the tip-off form."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions.selectors import public as selectors

pytestmark = pytest.mark.django_db

SEARCH = reverse("public_institutions:search")


@pytest.fixture
def many(make_institution):
    return [make_institution(name=f"培训机构{n}号", status="normal") for n in range(6)]


def test_a_broad_fragment_answers_the_first_page_of_a_capped_set(client, many, monkeypatch):
    monkeypatch.setattr(selectors, "PUBLIC_CANDIDATES", 4)
    monkeypatch.setattr(selectors, "PUBLIC_RESULTS", 3)
    rows, broad = selectors.institution_public_search_page(query="培训")
    assert broad is True and len(rows) == 3
    assert [r["name"] for r in rows] == sorted(r["name"] for r in rows)
    body = client.get(SEARCH, {"q": "培训"}).content.decode()
    assert "请输入更完整的名称" in body
    rows, broad = selectors.institution_public_search_page(query="培训机构3号")
    assert broad is False and [r["name"] for r in rows] == ["培训机构3号"]
    body = client.get(SEARCH, {"q": "培训机构3号"}).content.decode()
    assert "请输入更完整的名称" not in body and "培训机构3号" in body


def test_public_search_is_rate_limited_per_address(client, many, settings):
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(SEARCH, {"q": "培训"}).status_code == 200
    refused = client.get(SEARCH, {"q": "培训"})
    assert refused.status_code == 429
    assert "查询过于频繁" in refused.content.decode()
    # Another address has its own count.
    assert client.get(SEARCH, {"q": "培训"}, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_tip_off_form_institution_search_is_rate_limited_too(client, many, settings):
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 2
    url = reverse("public_complaints:institution-search")
    first = client.get(url, {"q": "培训"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert [r["name"] for r in first] == sorted(r["name"] for r in first) and len(first) == 6
    assert client.get(url, {"q": "培训"}).status_code == 200
    refused = client.get(url, {"q": "培训"})
    assert refused.status_code == 429 and refused.json()["results"] == []
    assert refused.json()["error"] == "尝试次数过多，请等待一分钟后再试。"


def test_a_broad_answer_is_served_from_redis_for_a_minute(client, many, monkeypatch):
    """The broad fragment's first page is the same for every visitor: the second request reads
    no institution (its rows come from Redis); a narrower query is always read fresh."""
    monkeypatch.setattr(selectors, "PUBLIC_CANDIDATES", 4)
    first = client.get(SEARCH, {"q": "培训"}).content.decode()
    assert "请输入更完整的名称" in first
    with CaptureQueriesContext(connection) as captured:
        again = client.get(SEARCH, {"q": "培训"}).content.decode()
    assert not [q for q in captured.captured_queries if "institutions_" in q["sql"]]
    assert again.count("培训机构") == first.count("培训机构") > 0
    with CaptureQueriesContext(connection) as captured:
        client.get(SEARCH, {"q": "培训机构3号"})
    assert [q for q in captured.captured_queries if "institutions_" in q["sql"]]


def test_a_narrow_search_reads_its_candidates_once(many, make_institution):
    """A narrow query reads the public rule's matches once (then the page's rows and their
    credentials): three queries. One still in 筹设 is found only with a published list entry,
    by a per-row probe, not a hashed subplan of every district's entries (issue 11)."""
    from institutions.services.lists import list_entry_add, list_entry_publish

    hidden = make_institution(name="筹设培训学校", status="preparing")
    listed = make_institution(name="筹设黑名单学校", status="preparing")
    entry = list_entry_add(actor=None, institution=listed, kind="black", reason="无证办学")
    list_entry_publish(actor=None, entry=entry)
    with CaptureQueriesContext(connection) as captured:
        rows, broad = selectors.institution_public_search_page(query="培训机构3号")
    assert broad is False and [r["name"] for r in rows] == ["培训机构3号"]
    assert len(captured.captured_queries) == 3
    assert "EXISTS" not in captured.captured_queries[0]["sql"]
    assert selectors.institution_public_search_page(query="筹设培训学校") == ([], False)
    rows, broad = selectors.institution_public_search_page(query="筹设黑名单学校")
    assert [(r["id"], r["on_black"]) for r in rows] == [(listed.pk, True)]
    assert hidden.pk not in {
        r["id"] for r in selectors.institution_public_search_page(query="筹设")[0]
    }
