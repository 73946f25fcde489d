"""The issued-documents list on core.tables (issue 9 item 3): sortable columns, page size,
a district filter for superiors, filters that read 全部, the saved filters' menu, the phone
layout's stacked table; sorting and the page size add no query per row."""

import re

import pytest
from django.urls import reverse

from documents.models import IssuedDocument
from tests.clients import statements

pytestmark = pytest.mark.django_db

URL = reverse("documents:document-list")


def issue(*args, **kwargs):
    # Imported late: tests.documents.records is loaded through tests.records' maker registry.
    from tests.documents.records import issue as _issue

    return _issue(*args, **kwargs)


@pytest.fixture
def documents(tree, as_system):
    made = [issue(tree.a, f"甲区通知{n}") for n in range(3)]
    made.append(issue(tree.a, "甲区名单", kind=IssuedDocument.Kind.LIST))
    made.append(issue(tree.b, "乙区通知"))
    return made


def _titles(response):
    assert response.status_code == 200
    return re.findall(r"<td>((?:甲|乙)区[^<]*)</td>", response.content.decode())


def test_sorting_page_size_and_filters(client, tree, documents):
    client.force_login(tree.user("a", "officer"))
    body = client.get(URL).content.decode()
    assert 'class="table table-sm table-hover align-middle table-stack small"' in body
    assert "sort-link" in body and 'data-testid="saved-filters"' in body
    assert '<option value="">全部</option>' in body
    # A district user has no district column nor filter.
    assert 'id="id_district"' not in body
    newest_first = _titles(client.get(URL))
    assert newest_first[0] == "甲区名单" and "乙区通知" not in newest_first
    assert _titles(client.get(URL, {"sort": "issued_on"})) == newest_first[::-1]
    by_kind = _titles(client.get(URL, {"sort": "kind"}))
    assert sorted(by_kind) == sorted(newest_first) and by_kind != []
    # Not a sortable column, or not one at all: the default order.
    for sort in ("title", "pages", "id;drop"):
        assert _titles(client.get(URL, {"sort": sort})) == newest_first
    assert _titles(client.get(URL, {"kind": "list", "per_page": "25"})) == ["甲区名单"]
    assert _titles(client.get(URL, {"year": "abc"})) == newest_first  # ignored, not a 500


def test_city_supervisor_filters_and_groups_by_district(client, tree, documents):
    client.force_login(tree.user("city", "supervisor"))
    assert "乙区通知" in _titles(client.get(URL))
    titles = _titles(client.get(URL, {"district": tree.b.pk}))
    assert titles == ["乙区通知"]
    body = client.get(URL, {"group": "district"}).content.decode()
    assert body.count('scope="rowgroup"') == 2


def test_rows_add_no_query(client, tree, documents, as_system):
    client.force_login(tree.user("a", "officer"))
    # Memberships kept in Redis after the first request (bureaus.acting): count warm ones.
    client.get(URL)

    def count(**params):
        return len(statements(client, URL, params))

    few = count(sort="-number")
    few_by_date = count(sort="issued_on", per_page="50")  # and the page size kept in the session
    for n in range(10):
        issue(tree.a, f"甲区补充{n}")
    assert count(sort="-number") == few
    assert count(sort="issued_on", per_page="50") == few_by_date
