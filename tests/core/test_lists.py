"""The staff lists' controls (core.tables, issue 9 item 3): sorting on whitelisted columns with
a stable tiebreak, page size and page numbers over the capped count, columns remembered per
user, the district filter and grouping for superiors, filters that read 全部, bulk actions
through the workflow reported record by record, export of the chosen rows; and the query
counts, which sorting, page numbers and page size leave flat."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bureaus import paging
from bureaus.context import acting, system_actor
from complaints.models import Complaint
from institutions.models import Institution
from tests.clients import statements
from tests.complaints.records import make_complaint

pytestmark = pytest.mark.django_db

INBOX = "/complaints/"
REGISTRY = "/institutions/"
ORDERS = "/complaints/supervision/"


@pytest.fixture
def complaints(tree):
    with acting(system_actor("tests")):
        today = dt.date.today()
        made = [
            make_complaint(tree.a, f"甲区机构{n:02d}", due_on=today + dt.timedelta(days=n % 5))
            for n in range(12)
        ]
        made.append(make_complaint(tree.b, "乙区机构", due_on=today))
    return made


@pytest.fixture
def institutions(tree):
    with acting(system_actor("tests")):
        for n in range(8):
            Institution.objects.create(bureau=tree.a, name=f"甲区机构{n}", category="arts")
        for n in range(3):
            Institution.objects.create(bureau=tree.b, name=f"乙区机构{n}", category="arts")


def _codes(response):
    return re.findall(r">(JB\d+)</a>", response.content.decode())


def _list_queries(captured, table):
    return [q["sql"] for q in captured.captured_queries if table in q["sql"]]


def test_sorting_is_whitelisted_and_stable(client, tree, complaints):
    client.force_login(tree.user("a", "officer"))
    by_code = _codes(client.get(INBOX, {"sort": "tracking_code"}))
    assert by_code == sorted(by_code) and len(by_code) == 12
    assert _codes(client.get(INBOX, {"sort": "-tracking_code"})) == by_code[::-1]
    # Due dates repeat: the id breaks the ties, so two requests give the same order.
    by_due = _codes(client.get(INBOX, {"sort": "due_on"}))
    assert by_due == _codes(client.get(INBOX, {"sort": "due_on"}))
    rows = {c.tracking_code: (c.due_on, c.pk) for c in complaints}
    assert [rows[c] for c in by_due] == sorted(rows[c] for c in by_due)
    # Anything but a sortable column is ignored: the default order (due date, id).
    for sort in ("description", "reporter_name", "institution", "id;drop"):
        response = client.get(INBOX, {"sort": sort})
        assert response.status_code == 200
        assert _codes(response) == by_due


def test_sorting_uses_an_order_the_indexes_serve(client, tree, complaints):
    client.force_login(tree.user("a", "officer"))
    with CaptureQueriesContext(connection) as captured:
        client.get(INBOX, {"sort": "-status"})
    page = [q for q in _list_queries(captured, "complaints_complaint") if "LIMIT" in q][-1]
    assert re.search(
        r'ORDER BY "complaints_complaint"."status" DESC, .*"due_on" DESC, .*"id" DESC', page
    )


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (INBOX, {}),
        (INBOX, {"sort": "-tracking_code", "page": "1", "per_page": "25"}),
        (INBOX, {"sort": "district", "group": "district", "district": "x"}),
        (REGISTRY, {}),
        (REGISTRY, {"sort": "-name", "per_page": "25", "page": "1"}),
        (REGISTRY, {"sort": "status", "group": "district"}),
        (ORDERS, {}),
        (ORDERS, {"sort": "-due_on", "per_page": "100"}),
    ],
)
@pytest.mark.parametrize("who", [("a", "officer"), ("city", "supervisor")])
def test_list_queries_stay_flat(client, tree, url, params, who):
    """Sorting, page size, page numbers and grouping add no query per row: the same number of
    queries for 3 rows as for 60, with one capped count."""
    client.force_login(tree.user(*who))

    def measure():
        client.get(url, params)  # the session's first write (page size) is not counted
        run = statements(client, url, params)
        counts = [sql for sql in run if "COUNT(" in sql.upper()]
        assert all(f"LIMIT {paging.COUNT_CAP + 1}" in sql for sql in counts if "institution" in sql)
        return len(run)

    with acting(system_actor("tests")):
        for n in range(3):
            make_complaint(tree.a, f"甲区机构{n}")
            Institution.objects.create(bureau=tree.a, name=f"甲区机构{n}", category="arts")
    few = measure()
    with acting(system_actor("tests")):
        for n in range(57):
            make_complaint(tree.a if n % 2 else tree.b, f"机构{n}")
            Institution.objects.create(
                bureau=tree.a if n % 2 else tree.b, name=f"机构{n}", category="arts"
            )
    assert measure() == few


def test_page_size_and_page_numbers(client, tree, complaints):
    client.force_login(tree.user("a", "officer"))
    body = client.get(INBOX, {"per_page": "25"}).content.decode()
    assert len(_codes(client.get(INBOX))) == 12  # the choice is remembered
    assert 'option value="25" selected' in body
    with acting(system_actor("tests")):
        for n in range(30):
            make_complaint(tree.a, f"补充机构{n}")
    body = client.get(INBOX).content.decode()
    assert 'aria-current="page"' in body and "page=2" in body
    assert len(_codes(client.get(INBOX, {"page": "2"}))) == 17
    # A size not offered falls back to the remembered one.
    assert len(_codes(client.get(INBOX, {"per_page": "100000"}))) == 25


def test_columns_are_chosen_and_remembered_per_user(client, tree, complaints):
    officer = tree.user("a", "officer")
    client.force_login(officer)
    head = client.get(INBOX).content.decode().split("<thead>")[1].split("</thead>")[0]
    assert '<th scope="col">渠道</th>' in head  # not sortable: no link
    assert 'href="?sort=tracking_code"' in head and "sort=institution" not in head
    client.get(INBOX, {"columns": "1", "col": ["status", "due_on"]})
    body = client.get(INBOX).content.decode()
    assert "渠道</th>" not in body and "承办人</th>" not in body
    assert "状态" in body and complaints[0].tracking_code in body  # the first column stays
    # The column chooser ticks the shown columns only.
    ticked = set(re.findall(r'name="col" value="(\w+)" checked', body))
    assert {"status", "due_on"} <= ticked and "channel" not in ticked
    other = client.__class__()
    other.force_login(tree.user("a", "admin"))
    assert "渠道</th>" in other.get(INBOX).content.decode()


def test_district_filter_and_grouping_for_superiors(client, tree, complaints, institutions):
    supervisor = tree.user("city", "supervisor")
    client.force_login(supervisor)
    assert len(_codes(client.get(INBOX))) == 13
    assert _codes(client.get(INBOX, {"district": tree.b.pk})) == [complaints[-1].tracking_code]
    # A bureau outside the filter's choices (here the city itself) filters nothing.
    assert len(_codes(client.get(INBOX, {"district": tree.city.pk}))) == 13
    body = client.get(REGISTRY, {"group": "district"}).content.decode()
    groups = re.findall(r'scope="rowgroup">([^<]+)<', body)
    assert groups == [tree.a.name, tree.b.name]  # one group per district, in the index's order
    # A district user has neither: the filter is not offered and the parameter is ignored.
    client.force_login(tree.user("a", "officer"))
    body = client.get(INBOX, {"district": tree.b.pk}).content.decode()
    assert 'id="id_district"' not in body and len(_codes(client.get(INBOX))) == 12


def test_filters_read_all_never_dashes(client, tree, institutions):
    client.force_login(tree.user("a", "officer"))
    for url in (REGISTRY, INBOX):
        body = client.get(url).content.decode()
        assert "---------" not in body
        assert '<option value="" selected>全部</option>' in body or ">全部</option>" in body
    client.force_login(tree.user("city", "supervisor"))
    assert "---------" not in client.get(ORDERS).content.decode()


def test_bulk_accept_reports_each_record(client, tree, complaints):
    officer = tree.user("a", "officer")
    client.force_login(officer)
    first, second, third = complaints[:3]
    Complaint.objects.filter(pk=third.pk).update(status="rejected")
    sibling = complaints[-1]
    response = client.post(
        INBOX,
        {
            "action": "accept",
            "id": [first.pk, second.pk, third.pk, sibling.pk],
            "query": "sort=due_on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{INBOX}?sort=due_on"
    messages = [str(m) for m in response.context["messages"]]
    assert f"{first.tracking_code}：已办理。" in messages
    statuses = dict(Complaint.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == "accepted"
    assert statuses[third.pk] == "rejected" and statuses[sibling.pk] == "received"
    assert any(third.tracking_code in m and "不能" in m for m in messages), messages
    assert any(str(sibling.pk) in m for m in messages)
    assert not any(sibling.tracking_code in m for m in messages)  # nothing of another district
    assert "共 4 件，已办理 2 件。" in messages


def test_bulk_assign_goes_through_the_workflow(client, tree, complaints):
    officer, admin = tree.user("a", "officer"), tree.user("a", "admin")
    client.force_login(admin)
    received, accepted = complaints[:2]
    Complaint.objects.filter(pk=accepted.pk).update(status="accepted")
    client.post(
        INBOX, {"action": "assign", "assignee": officer.pk, "id": [received.pk, accepted.pk]}
    )
    accepted.refresh_from_db()
    received.refresh_from_db()
    assert (accepted.status, accepted.assignee_id) == ("assigned", officer.pk)
    assert (received.status, received.assignee_id) == ("received", None)  # must be accepted first
    # An assignee from another district is refused before anything is done.
    stranger = tree.user("b", "officer")
    Complaint.objects.filter(pk=accepted.pk).update(assignee=None)
    client.post(INBOX, {"action": "assign", "assignee": stranger.pk, "id": [accepted.pk]})
    accepted.refresh_from_db()
    assert accepted.assignee_id is None


def test_bulk_actions_need_the_step_permission(client, tree, complaints):
    for user in (tree.user("a", "inspector"), tree.user("city", "supervisor")):
        client.force_login(user)
        response = client.post(INBOX, {"action": "accept", "id": [complaints[0].pk]})
        assert response.status_code == 403
    client.force_login(tree.user("a", "officer"))
    assert client.post(INBOX, {"action": "delete", "id": [complaints[0].pk]}).status_code == 403
    assert Complaint.objects.get(pk=complaints[0].pk).status == "received"


def test_export_selected_rows_only_within_scope(client, tree, complaints, institutions):
    client.force_login(tree.user("a", "officer"))
    chosen = [complaints[0].pk, complaints[1].pk, complaints[-1].pk]  # the last is district b
    body = client.get(reverse("complaints:complaint-export"), {"id": chosen}).content.decode()
    assert complaints[0].tracking_code in body and complaints[1].tracking_code in body
    assert complaints[2].tracking_code not in body and complaints[-1].tracking_code not in body
    picked = Institution.objects.filter(bureau=tree.a).order_by("pk")[:2]
    sibling = Institution.objects.filter(bureau=tree.b).first()
    response = client.get(
        reverse("institutions:institution-export"), {"id": [*[i.pk for i in picked], sibling.pk]}
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    text = "\n".join(str(cell) for row in sheet.to_python() for cell in row)
    assert all(i.name in text for i in picked) and sibling.name not in text
    assert "甲区机构7" not in text


def test_expired_licence_and_warnings_show_in_the_row(client, tree, as_system):
    from institutions.models import Credential

    institution = Institution.objects.create(
        bureau=tree.a, name="过期机构", category="arts", warning_codes=["unapproved_site"]
    )
    Credential.objects.create(
        bureau=tree.a,
        institution=institution,
        kind=Credential.Kind.SCHOOL_LICENCE,
        number="教民1号",
        expires_on=dt.date.today() - dt.timedelta(days=1),
    )
    client.force_login(tree.user("a", "officer"))
    body = client.get(REGISTRY).content.decode()
    row = re.search(r'<tr class="licence-expired">.*?</tr>', body, re.S).group(0)
    assert "过期机构" in row and "已过期" in row
    assert 'class="warning-badge' in row and "title=" not in row


def test_institution_autocomplete_is_scoped_and_searches(client, tree, institutions):
    url = reverse("institutions:institution-autocomplete")
    client.force_login(tree.user("a", "officer"))
    names = [r["text"] for r in client.get(url).json()["results"]]
    assert names == [f"甲区机构{n}" for n in range(8)]
    assert [r["text"] for r in client.get(url, {"q": "乙区"}).json()["results"]] == []
    found = client.get(url, {"q": "甲区机构3"}).json()["results"]
    assert [(r["text"], r["district"]) for r in found] == [("甲区机构3", tree.a.name)]
    client.force_login(tree.user("city", "supervisor"))
    assert len(client.get(url).json()["results"]) == 11
    with acting(system_actor("tests")):
        for n in range(30):
            Institution.objects.create(bureau=tree.a, name=f"批量机构{n}", category="arts")
    assert len(client.get(url).json()["results"]) == 20  # at most 20 suggestions


def test_staff_forms_pick_an_institution_by_typing(client, tree, complaints, institutions):
    client.force_login(tree.user("a", "officer"))
    body = client.get(reverse("complaints:complaint-create")).content.decode()
    assert 'data-picker="/institutions/autocomplete/"' in body
    assert "<select" not in body.split('id="id_institution"')[0].rsplit("<label", 1)[-1]
    assert body.count("甲区机构") == 0  # no option list of the registry in the page
    Complaint.objects.filter(pk=complaints[0].pk).update(status="accepted")
    link = reverse("complaints:complaint-link", args=[complaints[0].pk])
    sibling = Institution.objects.filter(bureau=tree.b).first()
    response = client.post(link, {"institution": sibling.pk})
    assert response.status_code == 400  # another district's institution is not a choice
    mine = Institution.objects.get(name="甲区机构2")
    client.post(link, {"institution": mine.pk})
    assert Complaint.objects.get(pk=complaints[0].pk).institution_id == mine.pk
    # Shown again with its name when the form comes back.
    body = client.get(link).content.decode()
    assert 'name="institution"' in body and "data-picker" in body
