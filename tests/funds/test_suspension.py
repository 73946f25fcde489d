"""A warning proposes suspending its institution; an officer confirms it through the registry's
lifecycle (the institution becomes 停办整改 with the step in its history) or declines it; the
periodic job proposes for a red balance warning left unresolved a week. A suspended institution
takes no new fees into escrow, while refunds stay possible."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from bureaus.context import acting, system_actor
from funds.models import FundWarning
from funds.services import fees, ledger, periodic, suspension
from institutions.models import Institution, StatusChange
from tests.funds.conftest import make_institution, open_account

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def red(tree, officer_a):
    institution = make_institution(tree.a, name="卷款风险机构", status="normal")
    account = open_account(institution, minimum_fixed_fen=100_000, yellow_threshold_fen=300_000)
    ledger.entry_post(
        actor=officer_a, account=account, kind="deposit", amount_fen=50_000, booked_on=DAY
    )
    return FundWarning.objects.get(account=account, kind="below_minimum")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_officer_proposes_and_confirms_through_the_registry(tree, red, officer_a):
    client = _client(tree.user("a", "officer"))
    detail = client.get(f"/funds/warnings/{red.pk}/").content.decode()
    assert "propose-suspension" in detail
    url = f"/funds/warnings/{red.pk}/propose-suspension/"
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 400 and "reason" in empty.context["form"].errors
    red.refresh_from_db()
    assert red.suspension == ""
    assert client.post(url, {"reason": "余额长期低于最低存款余额"}).status_code == 302
    red.refresh_from_db()
    assert red.suspension == "proposed" and red.suspension_proposed_at
    response = client.post(
        f"/funds/warnings/{red.pk}/confirm-suspension/", {"note": "经局务会研究"}
    )
    assert response.status_code == 302
    red.refresh_from_db()
    institution = Institution.objects.get(pk=red.account.institution_id)
    assert red.suspension == "confirmed" and institution.status == "suspended"
    change = StatusChange.objects.get(institution=institution)
    assert (change.from_status, change.to_status) == ("normal", "suspended")
    assert "余额长期低于最低存款余额" in change.reason and change.actor == tree.user("a", "officer")
    # Held: no new fee into escrow; a refund stays possible.
    record = fees.fee_record_create(
        actor=officer_a,
        institution=institution,
        student_name="王小二",
        course_name="美术",
        contract_number="HT-9",
        amount_fen=100_000,
        collected_on=DAY,
        period_start=DAY,
        period_end=DAY + dt.timedelta(days=60),
        class_hours=20,
    )
    with pytest.raises(ValidationError):
        fees.fee_deposit(actor=officer_a, fee_record=record, booked_on=DAY)
    ledger.entry_post(
        actor=officer_a, account=red.account, kind="refund", amount_fen=10_000, booked_on=DAY
    )
    # Confirmed once: a second confirmation is refused on the form, nothing changes.
    again = client.post(f"/funds/warnings/{red.pk}/confirm-suspension/", {"note": ""})
    assert again.status_code == 400
    assert StatusChange.objects.filter(institution=institution).count() == 1


def test_decline_needs_a_reason_and_the_institution_stays(tree, red, officer_a):
    suspension.warning_propose_suspension(actor=officer_a, warning=red, reason="覆盖率不足")
    client = _client(tree.user("a", "officer"))
    url = f"/funds/warnings/{red.pk}/decline-suspension/"
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "机构已补足资金"}).status_code == 302
    red.refresh_from_db()
    assert red.suspension == "declined" and "机构已补足资金" in red.note
    assert Institution.objects.get(pk=red.account.institution_id).status == "normal"


def test_roles_and_districts(tree, red):
    auditor = _client(tree.user("a", "auditor"))
    assert auditor.get(f"/funds/warnings/{red.pk}/propose-suspension/").status_code == 403
    sibling = _client(tree.user("b", "officer"))
    url = f"/funds/warnings/{red.pk}/propose-suspension/"
    assert sibling.post(url, {"reason": "越权"}).status_code == 404
    city = _client(tree.user("city", "supervisor"))
    assert city.post(url, {"reason": "越权"}).status_code == 403
    red.refresh_from_db()
    assert red.suspension == ""


def test_only_an_institution_in_operation_is_proposed(tree, officer_a):
    institution = make_institution(tree.a, name="筹设中机构")
    account = open_account(institution, minimum_fixed_fen=100_000)
    warning = FundWarning.objects.get(account=account, kind="below_minimum")
    with pytest.raises(ValidationError) as refused:
        suspension.warning_propose_suspension(actor=officer_a, warning=warning, reason="测试")
    assert "in operation" in str(refused.value) or "正常" in str(refused.value)


def test_the_periodic_job_proposes_after_a_week_once(tree, red, officer_a):
    with acting(system_actor("tests")):
        assert periodic.funds_periodic(today=DAY)["suspensions_proposed"] == 0
    FundWarning.objects.filter(pk=red.pk).update(raised_at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate()
    with acting(system_actor("tests")):
        assert periodic.funds_periodic(today=today)["suspensions_proposed"] == 1
        assert periodic.funds_periodic(today=today)["suspensions_proposed"] == 0
    red.refresh_from_db()
    assert red.suspension == "proposed"
    suspension.warning_decline_suspension(actor=officer_a, warning=red, note="已约谈")
    with acting(system_actor("tests")):
        assert periodic.funds_periodic(today=today)["suspensions_proposed"] == 0
