"""The case chain: a tip-off opens a visit, the visit's notice links back, and the tip-off's
page and the institution's page show the chain through the lower apps' panel registries
(complaints and institutions never import inspections)."""

import pytest
from django.urls import reverse

from bureaus.context import acting, system_actor
from inspections.models import Inspection
from inspections.services import notices, visits
from tests.complaints.records import make_complaint
from tests.inspections.conftest import act, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def tipoff(tree, institution_a):
    with acting(system_actor("tests")):
        return make_complaint(tree.a, institution_a.name, institution=institution_a)


def test_a_tipoff_opens_a_visit_and_shows_the_chain(tree, tipoff, share_a, client):
    client.force_login(tree.user("a", "officer"))
    page = client.get(reverse("complaints:complaint-detail", args=[tipoff.pk])).text
    open_url = reverse("inspections:complaint-visit", args=[tipoff.pk])
    assert open_url in page and "根据此举报安排检查" in page
    response = client.post(open_url, {"share": share_a.pk, "planned_on": "2026-11-30"})
    assert response.status_code == 302
    visit = Inspection.objects.get(complaint=tipoff)
    assert visit.institution_id == tipoff.institution_id and visit.share == share_a
    # The visit is made, answered, a notice issued: the tip-off's page shows it all.
    inspector = act(tree.user("a", "inspector"))
    visits.inspection_start(actor=inspector, inspection=visit)
    findings = answer_all(visit, inspector)
    notice = notices.notice_issue(
        actor=act(tree.user("a", "officer")),
        inspection=visit,
        findings=findings[:1],
        requirements="停止违规学科培训",
        working_days=5,
    )
    page = client.get(reverse("complaints:complaint-detail", args=[tipoff.pk])).text
    assert reverse("inspections:inspection-detail", args=[visit.pk]) in page
    assert notice.number in page
    notice_page = client.get(reverse("inspections:notice-detail", args=[notice.pk])).text
    assert tipoff.tracking_code in notice_page
    # …and the institution's staff page, through institutions.extensions.
    page = client.get(reverse("institutions:institution-detail", args=[visit.institution_id]))
    assert notice.number in page.text


def test_bad_visit_from_a_tipoff_in_chinese_nothing_written(tree, tipoff, share_b, client):
    client.force_login(tree.user("a", "officer"))
    url = reverse("inspections:complaint-visit", args=[tipoff.pk])
    # Another district's share is no choice; a missing date is refused field by field.
    response = client.post(url, {"share": share_b.pk, "planned_on": ""})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.text and "必填项" in response.text
    assert not Inspection.objects.exists()


def test_a_tipoff_without_institution_cannot_open_a_visit(tree, share_a, client):
    with acting(system_actor("tests")):
        loose = make_complaint(tree.a, "无名机构")
    client.force_login(tree.user("a", "officer"))
    page = client.get(reverse("complaints:complaint-detail", args=[loose.pk])).text
    assert reverse("inspections:complaint-visit", args=[loose.pk]) not in page
    url = reverse("inspections:complaint-visit", args=[loose.pk])
    response = client.post(url, {"share": share_a.pk, "planned_on": "2026-11-30"})
    assert response.status_code == 400 and "请先将举报关联到机构" in response.text
    assert not Inspection.objects.exists()


def test_the_sibling_district_sees_no_chain(tree, tipoff, share_a, client):
    client.force_login(tree.user("b", "officer"))
    assert client.get(reverse("complaints:complaint-detail", args=[tipoff.pk])).status_code == 404
    url = reverse("inspections:complaint-visit", args=[tipoff.pk])
    assert client.post(url, {"share": share_a.pk, "planned_on": "2026-11-30"}).status_code == 404
    assert not Inspection.objects.exists()
