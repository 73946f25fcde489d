"""The audit trail in words: record types and fields by their Chinese names, values as a person
reads them (choice labels, a related record's name, yuan, local time), a before/after table."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from bureaus.context import acting, system_actor
from bureaus.models import AuditEvent
from complaints.models import RefundDispute, SupervisionOrder
from tests.complaints.records import _refund_dispute, _supervision_order

pytestmark = pytest.mark.django_db


def _auditor(tree):
    client = Client()
    client.force_login(tree.user("a", "auditor"))
    return client


def test_an_update_reads_in_words(tree, django_assert_max_num_queries):
    officer = tree.user("a", "officer")
    answered = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing
    with acting(system_actor("tests")):
        order = _supervision_order(tree.a, "某机构违规招生")
        order.status = SupervisionOrder.Status.ANSWERED
        order.answered_by = officer
        order.answered_at = answered
        order.answer = "已责令停止招生。"
        order.save()
    event = AuditEvent.objects.filter(
        model="complaints.supervisionorder", action="update", object_id=str(order.pk)
    ).get()
    client = _auditor(tree)
    with django_assert_max_num_queries(10):
        body = client.get(f"/bureaus/audit/{event.pk}/").content.decode()
    record = body.split('data-testid="audit-record"')[1].split("</dd>")[0]
    assert "督办单" in record and "complaints.supervisionorder" not in body
    table = body.split('data-testid="audit-changes"')[1].split("</table>")[0]
    assert '<th scope="col">修改前</th>' in table and '<th scope="col">修改后</th>' in table
    rows = {
        cells[0]: cells[1:]
        for cells in (
            re.findall(r">([^<]*)</t[hd]>", row) for row in table.split("<tbody>")[1].split("</tr>")
        )
        if cells
    }
    assert rows["状态"] == ["待反馈", "已答复"]
    assert rows["答复人"] == ["—", str(officer)]
    assert rows["答复时间"] == ["—", "2026-03-02 09:30:00"]
    # No raw names, no Python lists, no UTC.
    for raw in ("answered_by_id", "['", "+00:00", "T01:30"):
        assert raw not in table


def test_money_and_a_creation_read_in_words(tree):
    with acting(system_actor("tests")):
        dispute = _refund_dispute(tree.a, "退费纠纷")
    event = AuditEvent.objects.get(
        model="complaints.refunddispute", action="create", object_id=str(dispute.pk)
    )
    body = _auditor(tree).get(f"/bureaus/audit/{event.pk}/").content.decode()
    assert "36,000.00 元" in body and "3600000" not in body
    assert str(RefundDispute._meta.verbose_name) in body


def test_the_list_names_record_types_and_pins_its_queries(tree, django_assert_max_num_queries):
    with acting(system_actor("tests")):
        _refund_dispute(tree.a, "退费纠纷")
        _supervision_order(tree.a, "某机构违规招生")
    client = _auditor(tree)
    with django_assert_max_num_queries(8):
        body = client.get("/bureaus/audit/").content.decode()
    assert "DB-330106" in body and "complaints.refunddispute" not in body
    assert "督办单" in body and "complaints.supervisionorder" not in body
    assert str(timezone.localtime().year) in body
