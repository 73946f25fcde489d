"""What follows a notice: its official PDF (documents/), the team's and the representative's
acknowledgement of the visit, the sanctions that change the institution (停办整改, 取缔) and the
escalation to the city after the district's further period (the job run twice)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from core.models import Notification
from documents.models import IssuedDocument
from inspections.models import (
    InspectionAcknowledgement,
    InspectionPolicy,
    RectificationNotice,
)
from inspections.services import notice_documents, notices, visits
from inspections.tasks import notices_chase
from institutions.models import Institution, StatusChange
from tests.inspections.conftest import act, answer_all, chased

pytestmark = pytest.mark.django_db
N = RectificationNotice.Status


def _text(document) -> str:
    return "".join(page.extract_text() for page in PdfReader(document.file.path).pages)


# (a) the official PDF ------------------------------------------------------------------------


def test_notice_pdf_holds_its_number_and_deadline(tree, notice):
    officer = act(tree.user("a", "officer"))
    document = notice_documents.notice_document(actor=officer, notice=notice)
    assert document.kind == IssuedDocument.Kind.RECTIFICATION_NOTICE
    assert document.bureau == tree.a and document.recipient == "启明星学科辅导中心"
    text = _text(document).replace("\n", "")
    due = notice.due_on
    assert notice.number in text
    assert f"{due.year}年{due.month}月{due.day}日" in text
    assert "启明星学科辅导中心" in text and "立即公示办学许可证" in text
    notice.refresh_from_db()
    assert notice.document == document
    # Asked again for the same deadline: the same document, no second number.
    assert notice_documents.notice_document(actor=officer, notice=notice) == document
    assert IssuedDocument.objects.count() == 1


def test_a_reissued_notice_gets_a_new_pdf_with_its_new_deadline(tree, notice):
    officer = act(tree.user("a", "officer"))
    first = notice_documents.notice_document(actor=officer, notice=notice)
    notices.notice_submit_evidence(actor=officer, notice=notice, evidence="口头说明")
    notice = notices.notice_reject(actor=officer, notice=notice, note="证据不足")
    with pytest.raises(ValidationError):
        notice_documents.notice_document(actor=officer, notice=notice)
    notice = notices.notice_reissue(actor=officer, notice=notice, working_days=20)
    second = notice_documents.notice_document(actor=officer, notice=notice)
    assert second != first
    due = notice.due_on
    assert f"{due.year}年{due.month}月{due.day}日" in _text(second).replace("\n", "")


def test_notice_pdf_refused_to_an_inspector_and_a_sibling(tree, notice):
    for user in (tree.user("a", "inspector"), tree.user("b", "officer")):
        with pytest.raises(PermissionDenied):
            notice_documents.notice_document(actor=act(user), notice=notice)
    assert not IssuedDocument.objects.exists()


def test_notice_pdf_page_issues_and_opens_it(tree, notice, client):
    client.force_login(tree.user("a", "officer"))
    assert "整改通知书" in client.get(reverse("inspections:notice-pdf", args=[notice.pk])).text
    response = client.post(reverse("inspections:notice-pdf", args=[notice.pk]))
    document = IssuedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:document-pdf", args=[document.pk])
    assert b"".join(client.get(response["Location"]).streaming_content).startswith(b"%PDF")
    detail = client.get(reverse("inspections:notice-detail", args=[notice.pk])).text
    assert document.number in detail


# (b) acknowledgements ------------------------------------------------------------------------


def _concluded(visit, tree):
    inspector = act(tree.user("a", "inspector"))
    answer_all(visit, inspector)
    return visits.inspection_conclude(
        actor=inspector,
        inspection=visit,
        outcome="rectify",
        personnel_times=3,
        vehicle_trips=1,
    )


def test_the_team_and_the_representative_acknowledge_once(tree, visit):
    inspector = act(tree.user("a", "inspector"))
    with pytest.raises(ValidationError):  # not concluded yet
        visits.inspection_acknowledge(actor=inspector, inspection=visit)
    visit = _concluded(visit, tree)
    first = visits.inspection_acknowledge(actor=inspector, inspection=visit)
    assert visits.inspection_acknowledge(actor=inspector, inspection=visit) == first
    assert InspectionAcknowledgement.objects.count() == 1
    # An officer who was not in the team cannot sign for it.
    with pytest.raises(ValidationError):
        visits.inspection_acknowledge(actor=act(tree.user("a", "officer")), inspection=visit)
    with pytest.raises(ValidationError) as exc:
        visits.inspection_representative_acknowledge(actor=inspector, inspection=visit, name=" ")
    assert "name" in exc.value.message_dict
    visit = visits.inspection_representative_acknowledge(
        actor=inspector, inspection=visit, name="王校长", role="法定代表人"
    )
    assert visit.representative_acknowledged_at and not visit.representative_refused
    with pytest.raises(ValidationError):
        visits.inspection_representative_acknowledge(
            actor=inspector, inspection=visit, name="李某", refused=True
        )
    visit.refresh_from_db()
    assert visit.representative_name == "王校长"
    with pytest.raises(PermissionDenied):
        visits.inspection_acknowledge(actor=act(tree.user("b", "inspector")), inspection=visit)


def test_acknowledgement_pages(tree, visit, client):
    visit = _concluded(visit, tree)
    client.force_login(tree.user("a", "inspector"))
    url = reverse("inspections:inspection-representative", args=[visit.pk])
    response = client.post(url, {"name": "", "role": ""})
    assert response.status_code == 400, response.text
    assert "字段是必填项" in response.text, response.text[response.text.find("<form") :]
    assert client.post(url, {"name": "王校长", "refused": "on"}).status_code == 302
    client.post(reverse("inspections:inspection-acknowledge", args=[visit.pk]))
    page = client.get(reverse("inspections:inspection-detail", args=[visit.pk])).text
    assert "王校长" in page and "拒绝签字" in page
    assert InspectionAcknowledgement.objects.filter(inspection=visit).count() == 1


# (c) sanctions -------------------------------------------------------------------------------


def test_a_ban_goes_through_the_registry_with_students_and_refunds(tree, notice):
    officer = act(tree.user("a", "officer"))
    notice = notices.notice_sanction(
        actor=officer,
        notice=notice,
        sanction="ban",
        reason="逾期拒不整改",
        students_placed=37,
        refund_students=12,
        refunded_fen=4_560_000,
    )
    assert notice.status == N.SANCTIONED and notice.sanction == "ban"
    assert (notice.students_placed, notice.refund_students, notice.refunded_fen) == (
        37,
        12,
        4_560_000,
    )
    assert notice.refunded_yuan == "45600.00"
    institution = Institution.objects.get(pk=notice.inspection.institution_id)
    assert institution.status == Institution.Status.BANNED
    change = StatusChange.objects.get(institution=institution)
    assert notice.number in change.reason and change.to_status == "banned"
    # The chase leaves a sanctioned notice alone, and it cannot be sanctioned twice.
    with pytest.raises(ValidationError):
        notices.notice_sanction(actor=officer, notice=notice, sanction="suspend", reason="x")


def test_a_suspension_then_nothing_more_on_a_banned_institution(tree, notice, visit):
    officer = act(tree.user("a", "officer"))
    notices.notice_sanction(actor=officer, notice=notice, sanction="suspend", reason="停办整改")
    institution = Institution.objects.get(pk=visit.institution_id)
    assert institution.status == Institution.Status.SUSPENDED


@pytest.mark.parametrize(
    "data, field",
    [
        ({"sanction": "fine", "reason": "x"}, "sanction"),
        ({"sanction": "ban", "reason": " "}, "reason"),
        ({"sanction": "ban", "reason": "x", "students_placed": -1}, "students_placed"),
        ({"sanction": "ban", "reason": "x", "refunded_fen": 10**15}, "refunded_fen"),
    ],
)
def test_bad_sanction_is_refused_and_nothing_written(tree, notice, data, field):
    with pytest.raises(ValidationError) as exc:
        notices.notice_sanction(actor=act(tree.user("a", "officer")), notice=notice, **data)
    assert field in exc.value.message_dict
    notice.refresh_from_db()
    assert notice.status == N.ISSUED and not notice.sanction
    assert Institution.objects.get(pk=notice.inspection.institution_id).status == "normal"
    assert not StatusChange.objects.exists()


def test_a_sanction_the_registry_refuses_leaves_the_notice(tree, notice):
    Institution.objects.filter(pk=notice.inspection.institution_id).update(status="closed")
    with pytest.raises(ValidationError) as exc:
        notices.notice_sanction(
            actor=act(tree.user("a", "officer")), notice=notice, sanction="ban", reason="x"
        )
    assert "sanction" in exc.value.message_dict
    notice.refresh_from_db()
    assert notice.status == N.ISSUED


def test_sanction_page_in_chinese(tree, notice, client):
    client.force_login(tree.user("a", "officer"))
    url = reverse("inspections:notice-sanction", args=[notice.pk])
    response = client.post(url, {"sanction": "ban", "reason": "", "students_placed": "-3"})
    assert response.status_code == 400
    assert "字段是必填项" in response.text
    response = client.post(
        url,
        {
            "sanction": "ban",
            "reason": "逾期拒不整改",
            "students_placed": "5",
            "refund_students": "2",
            "refunded_yuan": "1234.50",
        },
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.refunded_fen == 123450 and notice.status == N.SANCTIONED
    page = client.get(reverse("inspections:notice-detail", args=[notice.pk])).text
    assert "1234.50" in page


# (d) escalation to the city -----------------------------------------------------------------


def _due(notice, day):
    RectificationNotice.objects.filter(pk=notice.pk).update(due_on=day)


def test_escalated_to_the_city_after_the_districts_period_once(tree, notice):
    InspectionPolicy.objects.create(bureau=tree.a, city_escalation_days=2)
    _due(notice, dt.date(2026, 11, 2))  # a Monday
    assert notices_chase(today="2026-11-03")["escalated"] == 1  # overdue since Tue 3 Nov
    # Two working days after Tuesday is Thursday 5 November.
    assert notices_chase(today="2026-11-04")["city"] == 0
    result = notices_chase(today="2026-11-05")
    # The institution's warning moves from "overdue" to "overdue" + "escalated to the city".
    assert result == chased(city=1, warnings=1)
    city = tree.user("city", "supervisor")
    sent = Notification.objects.filter(user=city, key__startswith="notice-city")
    assert sent.count() == 1 and notice.number in sent.get().message
    assert not Notification.objects.filter(user=tree.user("b", "admin")).exists()
    before = Notification.objects.count()
    for day in ("2026-11-05", "2026-11-06", "2026-11-20"):
        assert notices_chase(today=day) == chased()
    assert Notification.objects.count() == before
    notice.refresh_from_db()
    assert notice.city_escalated_at and notice.status == N.ESCALATED


def test_default_period_and_evidence_stop_the_city_escalation(tree, notice):
    _due(notice, dt.date(2026, 11, 2))
    notices_chase(today="2026-11-03")
    # Default five working days: Tuesday 10 November.
    assert notices_chase(today="2026-11-09")["city"] == 0
    notices.notice_submit_evidence(
        actor=act(tree.user("a", "officer")), notice=notice, evidence="已整改"
    )
    assert notices_chase(today="2026-11-10")["city"] == 0


def test_policy_page_sets_the_period_in_chinese(tree, client):
    client.force_login(tree.user("a", "admin"))
    url = reverse("inspections:policy")
    response = client.post(url, {"city_escalation_days": "0"})
    assert response.status_code == 400 and "1" in response.text
    assert not InspectionPolicy.objects.exists()
    assert client.post(url, {"city_escalation_days": "8"}).status_code == 302
    assert InspectionPolicy.objects.get(bureau=tree.a).city_escalation_days == 8
    client.force_login(tree.user("a", "officer"))
    assert client.post(url, {"city_escalation_days": "3"}).status_code == 403
