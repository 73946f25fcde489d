"""The registry list page reads its count and rows by SQL compiled once per request shape
(core.tables.compiled_rows, as the registry API's; issue 11), its street options by a
statement compiled once per subtree (institutions.selectors.street_options)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bureaus.models import Street
from institutions.filters import InstitutionFilterSet
from institutions.models import Institution


@pytest.fixture
def officer_client(client, tree):
    client.force_login(tree.user("a", "officer"))
    return client


def _rows(body: str) -> int:
    return body.count('name="id" value=')


def test_list_page_compiles_a_request_shape_once_and_reads_its_rows_every_time(
    tree, make_institution, monkeypatch
):
    """A repeated request builds no filtered queryset, yet reads the rows (and the count)
    again; another filter or another district's officer is another shape."""
    built = []
    real = InstitutionFilterSet.filter_queryset
    monkeypatch.setattr(
        InstitutionFilterSet, "filter_queryset", lambda self, qs: built.append(1) or real(self, qs)
    )
    for _n in range(3):
        make_institution(name=f"甲区美术培训{_n}")
    make_institution(bureau=tree.b, name="乙区美术培训")
    client = Client()
    client.force_login(tree.user("a", "officer"))
    query = {"category": "arts", "sort": "-name"}
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/institutions/", query).content.decode()
    assert _rows(first) == 3 and len(built) == 1
    # The count reads the institutions alone, not the flags' and licence's subqueries.
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "institutions_listentry" not in counts[0]
    assert "institutions_credential" not in counts[0]
    newest = make_institution(name="甲区美术培训新")
    again = client.get("/institutions/", query).content.decode()
    assert len(built) == 1  # nothing built, nothing compiled
    assert _rows(again) == 4 and "甲区美术培训新" in again
    assert again.index("甲区美术培训新") < again.index("甲区美术培训2")  # sorted by name, down
    Institution.objects.filter(pk=newest.pk).update(category="sports")
    assert "甲区美术培训新" not in client.get("/institutions/", query).content.decode()
    other = client.get("/institutions/", {**query, "q": "培训1"}).content.decode()
    assert len(built) == 2 and _rows(other) == 1
    client.force_login(tree.user("b", "officer"))
    theirs = client.get("/institutions/", query).content.decode()
    assert len(built) == 3 and _rows(theirs) == 1 and "乙区美术培训" in theirs


def test_a_street_filter_is_never_compiled(tree, make_institution, officer_client):
    """A street is checked against the district's streets: a request with one goes the
    ordinary way every time, so an id no street had yet filters once that street exists (a
    kept statement would keep the first answer)."""
    taken = Street.objects.create(bureau=tree.a, name="文新街道")
    unknown = taken.pk + 1000
    inside = make_institution(name="街道内机构")
    make_institution(name="街道外机构")
    first = officer_client.get("/institutions/", {"street": unknown}).content.decode()
    assert "is-invalid" in first
    # The street the form refused, made under that id.
    Street.objects.create(pk=unknown, bureau=tree.a, name="古荡街道")
    Institution.objects.filter(pk=inside.pk).update(street_id=unknown)
    body = officer_client.get("/institutions/", {"street": unknown}).content.decode()
    assert "is-invalid" not in body
    assert "街道内机构" in body and "街道外机构" not in body
    assert f'<option value="{unknown}" selected>古荡街道</option>' in body


def _street_reads(client, url="/institutions/"):
    """The page's body and its statements that read the streets on their own."""
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    own = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(_STREETS_SELECT)]
    return body, len(own)


_STREETS_SELECT = 'SELECT "bureaus_street"'


def test_street_options_follow_the_streets_of_the_acting_subtree(
    tree, make_institution, officer_client
):
    """The street options are kept by the version of the streets that the rows' statement
    reads (institutions.selectors.streets_version): a repeated view reads them with no query
    of their own, and a street added, renamed or removed shows on the very next view. A
    district sees only its own streets; a list with no row reads them with their own query."""
    street = Street.objects.create(bureau=tree.a, name="文新街道")
    Street.objects.create(bureau=tree.b, name="湖滨街道")
    body, own = _street_reads(officer_client)
    assert own == 1  # no row, so no version: read on their own
    assert "文新街道" in body and "湖滨街道" not in body
    make_institution(name="甲区机构")
    make_institution(bureau=tree.b, name="乙区机构")
    body, own = _street_reads(officer_client)
    assert "文新街道" in body and "湖滨街道" not in body
    body, own = _street_reads(officer_client)
    assert own == 0 and "文新街道" in body
    Street.objects.filter(pk=street.pk).update(name="古荡街道")
    added = Street.objects.create(bureau=tree.a, name="翠苑街道")
    body, own = _street_reads(officer_client)
    assert own == 1 and "古荡街道" in body and "翠苑街道" in body and "文新街道" not in body
    body, own = _street_reads(officer_client)
    assert own == 0 and "古荡街道" in body and "翠苑街道" in body
    added.delete()
    body, own = _street_reads(officer_client)
    assert own == 1 and "翠苑街道" not in body and "古荡街道" in body
    Street.objects.filter(pk=street.pk).update(bureau=tree.b)  # moved to the other district
    body, own = _street_reads(officer_client)
    assert own == 1 and "古荡街道" not in body
    city = Client()
    city.force_login(tree.user("city", "supervisor"))
    body, own = _street_reads(city)
    assert "古荡街道" in body and "湖滨街道" in body
    Street.objects.filter(pk=street.pk).update(name="西溪街道")
    body, own = _street_reads(city)
    assert own == 1 and "西溪街道" in body and "古荡街道" not in body
    # Moved within the city's subtree: the same streets, in another order (by district).
    Street.objects.filter(pk=street.pk).update(bureau=tree.a)
    body, own = _street_reads(city)
    assert own == 1 and body.index("西溪街道") < body.index("湖滨街道")
