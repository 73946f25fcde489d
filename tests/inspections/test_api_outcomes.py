"""The API of what follows a visit: the team's and the representative's acknowledgement, the
notice's official PDF, the sanction (bad input refused in Chinese, nothing written)."""

import pytest

from documents.models import IssuedDocument
from inspections.models import InspectionAcknowledgement, RectificationNotice
from inspections.services import visits
from institutions.models import Institution
from tests.clients import api_client as client
from tests.inspections.conftest import act, answer_all

pytestmark = pytest.mark.django_db


def test_acknowledgements_through_the_api(tree, visit):
    inspector = tree.user("a", "inspector")
    c = client(inspector)
    base = f"/api/v1/inspections/{visit.pk}"
    assert c.get(f"{base}/acknowledge/").json()["allowed"] is False
    assert c.post(f"{base}/acknowledge/", {}, format="json").status_code == 400
    answer_all(visit, act(inspector))
    visits.inspection_conclude(
        actor=act(inspector),
        inspection=visit,
        outcome="compliant",
        personnel_times=2,
        vehicle_trips=1,
    )
    assert c.get(f"{base}/acknowledge/").json()["allowed"] is True
    body = c.post(f"{base}/acknowledge/", {}, format="json").json()
    assert body["acknowledged_by"] == [inspector.pk]
    bad = c.post(f"{base}/representative/", {"name": ""}, format="json")
    assert bad.status_code == 400 and "name" in bad.json()
    body = c.post(f"{base}/representative/", {"name": "王校长", "refused": True}, format="json")
    assert body.json()["representative_refused"] is True
    assert InspectionAcknowledgement.objects.count() == 1
    sibling = client(tree.user("b", "inspector"))
    assert sibling.post(f"{base}/acknowledge/", {}, format="json").status_code == 404


def test_notice_pdf_and_sanction_through_the_api(tree, notice):
    c = client(tree.user("a", "officer"))
    base = f"/api/v1/rectification-notices/{notice.pk}"
    body = c.post(f"{base}/document/", {}, format="json").json()
    document = IssuedDocument.objects.get()
    assert body["document"] == document.pk
    bad = c.post(
        f"{base}/sanction/",
        {"sanction": "ban", "reason": "拒不整改", "refunded_fen": -5},
        format="json",
    )
    assert bad.status_code == 400 and "refunded_fen" in bad.json()
    assert RectificationNotice.objects.get(pk=notice.pk).status == "issued"
    body = c.post(
        f"{base}/sanction/",
        {"sanction": "ban", "reason": "拒不整改", "students_placed": 9, "refunded_fen": 880000},
        format="json",
    ).json()
    assert body["status"] == "sanctioned" and body["refunded_fen"] == 880000
    institution = Institution.objects.get(pk=notice.inspection.institution_id)
    assert institution.status == "banned"
    again = c.post(f"{base}/sanction/", {"sanction": "ban", "reason": "x"}, format="json")
    assert again.status_code == 400
    inspector = client(tree.user("a", "inspector"))
    assert inspector.post(f"{base}/document/", {}, format="json").status_code == 403
