"""The inspections' staff lists through core.tables: sortable columns (only those declared),
page size, page numbers, the district filter for superiors, the phone's stacked cards."""

import datetime as dt

import pytest

from inspections.models import RectificationNotice
from inspections.services import notices
from tests.clients import page_client as client
from tests.inspections.conftest import act, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_notices(tree, visit):
    findings = answer_all(visit, act(tree.user("a", "inspector")), violations=3)
    made = [
        notices.notice_issue(
            actor=act(tree.user("a", "officer")),
            inspection=visit,
            findings=[finding],
            requirements="整改",
            working_days=5,
        )
        for finding in findings[:3]
    ]
    for n, notice in enumerate(made):
        RectificationNotice.objects.filter(pk=notice.pk).update(
            due_on=dt.date(2026, 12, 10) - dt.timedelta(days=n)
        )
    return made


def test_notice_list_sorts_pages_and_stacks(tree, three_notices):
    c = client(tree.user("a", "officer"))
    page = c.get("/inspections/notices/?sort=due_on")
    body = page.content.decode()
    assert "table-stack" in body and 'href="?sort=-due_on"' in body
    numbers = [n.number for n in three_notices]
    assert body.index(numbers[2]) < body.index(numbers[1]) < body.index(numbers[0])
    body = c.get("/inspections/notices/?sort=-due_on").content.decode()
    assert body.index(numbers[0]) < body.index(numbers[2])
    # A column that does not sort is ignored in ?sort= (the default order stays).
    assert c.get("/inspections/notices/?sort=requirements").status_code == 200
    # Page size from the allowed sizes only, remembered for the user.
    response = c.get("/inspections/notices/?per_page=25")
    assert response.context["paginator"].per_page == 25
    assert c.get("/inspections/notices/?per_page=7").context["paginator"].per_page == 25
    assert c.get("/inspections/notices/?status=issued&sort=number").status_code == 200


def test_notice_list_district_filter_for_the_city(tree, three_notices):
    c = client(tree.user("city", "supervisor"))
    body = c.get("/inspections/notices/").content.decode()
    assert 'name="district"' in body and three_notices[0].number in body
    body = c.get(f"/inspections/notices/?district={tree.b.pk}").content.decode()
    assert three_notices[0].number not in body
    grouped = c.get("/inspections/notices/?group=district").content.decode()
    assert "table-group" in grouped
    # A district user gets no district filter and no district column.
    body = client(tree.user("a", "officer")).get("/inspections/notices/").content.decode()
    assert 'name="district"' not in body


def test_campaign_list_sorts(tree, campaign):
    c = client(tree.user("city", "supervisor"))
    response = c.get("/inspections/campaigns/?sort=-starts_on")
    assert response.status_code == 200
    body = response.content.decode()
    assert campaign.name in body and "table-stack" in body and "?sort=name" in body


def test_share_list_sorts_and_filters_by_district(tree, share_a, share_b):
    city = client(tree.user("city", "supervisor"))
    body = city.get("/inspections/?sort=district").content.decode()
    assert "table-stack" in body and 'name="district"' in body
    assert f"/inspections/shares/{share_a.pk}/" in body
    assert f"/inspections/shares/{share_b.pk}/" in body
    body = city.get(f"/inspections/?district={tree.a.pk}").content.decode()
    assert f"/inspections/shares/{share_b.pk}/" not in body
    own = client(tree.user("a", "officer")).get("/inspections/?sort=-starts_on").content.decode()
    assert f"/inspections/shares/{share_b.pk}/" not in own and 'name="district"' not in own
