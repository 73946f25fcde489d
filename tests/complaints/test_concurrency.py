"""Two people (or systems) clicking at once give one effect: through the real API, from
threads on separate database connections."""

import datetime as dt

import pytest

from complaints.models import Complaint, SupervisionOrder
from tests.clients import api_client as _client
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def test_sixteen_pushes_of_one_work_order_make_one_tip_off(tree):
    payload = {
        "work_order": "GD2026-0042",
        "institution_name": "某培训机构",
        "category": "fees",
        "description": "拒不退费。",
    }
    officer = tree.user("a", "officer")

    def push(_i):
        response = _client(officer).post("/api/v1/hotline-work-orders/", payload, format="json")
        return response.status_code, response.json().get("id")

    results = run_concurrently(push, 16)
    statuses = sorted(status for status, _id in results)
    assert statuses == [200] * 15 + [201], results
    assert len({pk for _status, pk in results}) == 1
    assert Complaint.objects.filter(external_ref="GD2026-0042").count() == 1


def test_eight_orders_at_once_get_consecutive_numbers(tree):
    supervisor = tree.user("city", "supervisor")
    due_on = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    def issue(i):
        payload = {
            "district": tree.a.pk,
            "subject": f"督办事项{i}",
            "instructions": "请核查并反馈。",
            "due_on": due_on,
        }
        response = _client(supervisor).post("/api/v1/supervision-orders/", payload, format="json")
        return response.status_code

    assert run_concurrently(issue, 8) == [201] * 8
    numbers = sorted(SupervisionOrder.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"DB3301-{year}-{n:04d}" for n in range(1, 9)]
