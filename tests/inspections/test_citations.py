"""A tip-off's conclusion cites a visit of the same institution: concluded through complaints'
own service (timeline, handler, state), the link owned by inspections; the tip-off's page and
the visit's page show the chain both ways. A visit of another institution or district, or
one not started, is refused in Chinese with nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bureaus.context import acting, system_actor
from complaints.models import Complaint, ComplaintEvent
from inspections.models import ComplaintCitation
from inspections.services import visits
from tests.complaints.records import make_complaint
from tests.inspections.conftest import act, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def tipoff(tree, institution_a):
    with acting(system_actor("tests")):
        return make_complaint(
            tree.a,
            institution_a.name,
            institution=institution_a,
            status=Complaint.Status.INVESTIGATING,
            assignee=tree.user("a", "officer"),
        )


def _visit(tree, share, institution, *, start=True):
    inspector = act(tree.user((share.bureau.code == tree.a.code and "a") or "b", "inspector"))
    visit = visits.inspection_plan(
        actor=inspector, share=share, institution=institution, planned_on=timezone.localdate()
    )
    return visits.inspection_start(actor=inspector, inspection=visit) if start else visit


def url(tipoff):
    return reverse("inspections:complaint-conclude-citing", args=[tipoff.pk])


def test_the_conclusion_cites_the_visit_and_both_pages_show_it(tree, tipoff, share_a, client):
    visit = _visit(tree, share_a, tipoff.institution)
    client.force_login(tree.user("a", "officer"))
    page = client.get(reverse("complaints:complaint-detail", args=[tipoff.pk])).text
    assert url(tipoff) in page and "引用检查记录办结" in page
    form = client.get(url(tipoff)).text
    assert f'value="{visit.pk}"' in form
    response = client.post(
        url(tipoff),
        {"inspection": visit.pk, "outcome": "substantiated", "public_reply": "经检查，情况属实。"},
    )
    assert response.status_code == 302
    tipoff.refresh_from_db()
    assert tipoff.status == Complaint.Status.CONCLUDED and tipoff.outcome == "substantiated"
    assert ComplaintCitation.objects.get(complaint=tipoff).inspection == visit
    event = ComplaintEvent.objects.filter(complaint=tipoff, kind="concluded").get()
    assert visit.planned_on.isoformat() in event.note and share_a.campaign.name in event.note
    page = client.get(reverse("complaints:complaint-detail", args=[tipoff.pk])).text
    assert reverse("inspections:inspection-detail", args=[visit.pk]) in page
    assert url(tipoff) not in page  # concluded: no second conclusion
    visit_page = client.get(reverse("inspections:inspection-detail", args=[visit.pk])).text
    assert tipoff.tracking_code in visit_page and 'data-testid="cited-by"' in visit_page


def test_only_a_started_visit_of_the_same_institution_in_the_district(
    tree, tipoff, share_a, share_b, institution_b, client
):
    other = _visit(tree, share_a, make_institution(tree.a, "另一机构"))
    planned = _visit(tree, share_a, tipoff.institution, start=False)
    sibling = _visit(tree, share_b, institution_b)
    client.force_login(tree.user("a", "officer"))
    for visit in (other, planned, sibling):
        response = client.post(
            url(tipoff), {"inspection": visit.pk, "outcome": "substantiated", "public_reply": "x"}
        )
        assert response.status_code == 400
        assert "选择一个有效的选项" in response.text
    # Through the service: refused on the field in Chinese.
    from django.core.exceptions import ValidationError

    from inspections.services.citations import complaint_conclude_citing_visit

    with pytest.raises(ValidationError) as exc:
        complaint_conclude_citing_visit(
            actor=act(tree.user("a", "officer")),
            complaint=tipoff,
            inspection=other,
            outcome="substantiated",
            public_reply="x",
        )
    assert exc.value.message_dict["inspection"] == ["请引用该举报所涉机构已开始的检查。"]
    tipoff.refresh_from_db()
    assert tipoff.status == Complaint.Status.INVESTIGATING
    assert not ComplaintCitation.objects.exists()


def test_a_refused_conclusion_writes_no_citation(tree, tipoff, share_a, client):
    visit = _visit(tree, share_a, tipoff.institution)
    client.force_login(tree.user("a", "officer"))
    response = client.post(
        url(tipoff), {"inspection": visit.pk, "outcome": "substantiated", "public_reply": "  "}
    )
    assert response.status_code == 400
    assert not ComplaintCitation.objects.exists()
    assert Complaint.objects.get(pk=tipoff.pk).status == Complaint.Status.INVESTIGATING


def test_another_district_and_a_role_that_may_not_conclude(tree, tipoff, share_a, client):
    visit = _visit(tree, share_a, tipoff.institution)
    data = {"inspection": visit.pk, "outcome": "substantiated", "public_reply": "x"}
    client.force_login(tree.user("b", "officer"))
    assert client.post(url(tipoff), data).status_code == 404
    client.force_login(tree.user("a", "inspector"))
    assert client.post(url(tipoff), data).status_code == 403
    assert not ComplaintCitation.objects.exists()
