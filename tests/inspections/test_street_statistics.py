"""Statistics per street of the institutions visited, beside those per district: on the
campaign's page, in the API and on the export's second sheet; a district sees its own
streets only."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from bureaus.context import acting, system_actor
from bureaus.models import Street
from inspections.models import CampaignShare, RectificationNotice
from inspections.selectors import statistics
from inspections.services import notices, visits
from tests.inspections.conftest import act, answer_all, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets(tree):
    with acting(system_actor("tests")):
        return (
            Street.objects.create(bureau=tree.a, name="北山街道"),
            Street.objects.create(bureau=tree.a, name="灵隐街道"),
        )


def _visit(tree, share, institution, *, personnel, violations):
    inspector = act(tree.user("a", "inspector"))
    visit = visits.inspection_plan(
        actor=inspector,
        share=share,
        institution=institution,
        planned_on=institution.created_at.date(),
        inspectors=[tree.user("a", "inspector")],
    )
    visits.inspection_start(actor=inspector, inspection=visit)
    findings = answer_all(visit, inspector, violations=violations)
    visits.inspection_conclude(
        actor=inspector,
        inspection=visit,
        outcome="rectify" if violations else "compliant",
        personnel_times=personnel,
        vehicle_trips=1,
    )
    if violations:
        notices.notice_issue(
            actor=act(tree.user("a", "officer")),
            inspection=visit,
            findings=findings[:violations],
            requirements="整改",
            working_days=5,
        )
    return visit


@pytest.fixture
def figures(tree, share_a, share_b, streets):
    north, lingyin = streets
    one = make_institution(tree.a, "北山培训一", street=north)
    two = make_institution(tree.a, "北山培训二", street=north)
    three = make_institution(tree.a, "灵隐培训", street=lingyin)
    four = make_institution(tree.a, "未划街道培训")
    _visit(tree, share_a, one, personnel=4, violations=2)
    _visit(tree, share_a, two, personnel=3, violations=0)
    _visit(tree, share_a, three, personnel=5, violations=1)
    _visit(tree, share_a, four, personnel=2, violations=0)
    return share_a.campaign


def test_figures_per_street_add_up_to_the_district(tree, figures):
    shares = CampaignShare.objects.filter(campaign=figures)
    by_street = statistics(shares, by="street")
    rows = {r["street"]: r for r in by_street["streets"]}
    assert set(rows) == {"北山街道", "灵隐街道", "未划分街道"}
    assert (rows["北山街道"]["institutions"], rows["北山街道"]["personnel_times"]) == (2, 7)
    assert (rows["北山街道"]["issued"], sum(rows["北山街道"]["areas"].values())) == (1, 2)
    assert rows["灵隐街道"]["issued"] == 1 and rows["未划分街道"]["issued"] == 0
    by_district = statistics(shares)
    assert by_street["total"] == by_district["total"]
    assert RectificationNotice.objects.count() == 2


def test_street_figures_on_the_page_in_the_api_and_the_export(tree, figures):
    city = Client()
    city.force_login(tree.user("city", "supervisor"))
    page = city.get(f"/inspections/campaigns/{figures.pk}/").text
    assert "北山街道" in page and "灵隐街道" in page and "按街道" in page
    api = city.get(f"/api/v1/campaigns/{figures.pk}/street-statistics/").json()
    assert {r["street"] for r in api["streets"]} == {"北山街道", "灵隐街道", "未划分街道"}
    response = city.get(f"/inspections/campaigns/{figures.pk}/statistics.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 2
    rows = [[c.value for c in row] for row in workbook.worksheets[1].iter_rows()]
    north = next(r for r in rows if r[1] == "北山街道")
    assert north[0] == tree.a.name and north[2:4] == [2, 7]
    assert rows[-1][0] == "合计" and rows[-1][3] == 14


def test_a_district_sees_its_own_streets_only(tree, figures, share_b):
    sibling = Client()
    sibling.force_login(tree.user("b", "officer"))
    response = sibling.get(f"/api/v1/campaign-shares/{share_b.pk}/statistics/")
    assert response.status_code == 200
    body = sibling.get(f"/api/v1/campaigns/{figures.pk}/street-statistics/")
    assert body.status_code in (200, 404)
    assert "北山街道" not in body.content.decode() and "灵隐街道" not in body.content.decode()
