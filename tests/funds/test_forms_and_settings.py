"""Create and edit pages for accounts and fee records (Chinese field errors; the number typed
once, stored encrypted and shown masked), and the default thresholds: a district's own, else
inherited from its city, with the changes in the audit trail."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from bureaus.models import AuditEvent
from funds.models import EscrowAccount, FeeRecord, FundSettings, FundWarning
from funds.services import ledger, thresholds
from tests.funds.conftest import ACCOUNT_NUMBER, act, make_institution, open_account

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _account_post(institution, **extra):
    data = {
        "institution": institution.pk,
        "bank": "中国建设银行文三路支行",
        "account_number": "6217 0000 1111 2222 333",
        "agreed_on": "2026-03-01",
        "mode": "custody",
        "minimum_kind": "fixed",
        "minimum_fixed_fen": "1000.00",
        "minimum_share_pct": "0",
        "yellow_threshold_fen": "3000.50",
        "single_outflow_limit_fen": "50000",
        "daily_outflow_limit_fen": "100000",
        "deposit_within_days": "3",
        "silent_after_days": "30",
    }
    return {**data, **extra}


def test_officer_opens_an_account_encrypted_and_masked(tree):
    institution = make_institution(tree.a)
    client = _client(tree.user("a", "officer"))
    assert client.get("/funds/accounts/new/").status_code == 200
    response = client.post("/funds/accounts/new/", _account_post(institution))
    assert response.status_code == 302
    account = EscrowAccount.objects.get(institution=institution)
    assert (account.minimum_fixed_fen, account.yellow_threshold_fen) == (100_000, 300_050)
    assert account.account_number == "6217000011112222333"
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM funds_escrowaccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert "6217000011112222333" not in stored
    body = client.get(response["Location"]).content.decode()
    assert "6217***********2333" in body and "6217000011112222333" not in body
    edit = client.get(f"/funds/accounts/{account.pk}/edit/").content.decode()
    assert "6217000011112222333" not in edit and "6217***********2333" in edit
    audit = AuditEvent.objects.filter(model="funds.escrowaccount", object_id=str(account.pk))
    assert audit.exists() and "6217000011112222333" not in str(list(audit.values("changes")))


def test_account_form_errors_are_chinese_and_write_nothing(tree):
    institution = make_institution(tree.a)
    client = _client(tree.user("a", "officer"))
    bad = _account_post(
        institution,
        account_number="12ab",
        minimum_fixed_fen="-5",
        yellow_threshold_fen="1.234",
        agreed_on="昨天",
    )
    response = client.post("/funds/accounts/new/", bad)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {
        "account_number",
        "minimum_fixed_fen",
        "yellow_threshold_fen",
        "agreed_on",
    }
    body = response.content.decode()
    assert ("账号" in body and "请输入" in body) or "确保" in body
    assert "Enter the account number" not in body
    assert not EscrowAccount.objects.exists()
    # A second open account for the institution: refused on the form, in Chinese.
    open_account(institution)
    response = client.post("/funds/accounts/new/", _account_post(institution))
    assert response.status_code == 200 and "已有" in response.content.decode()
    assert EscrowAccount.objects.count() == 1


def test_another_districts_institution_is_not_a_choice(tree):
    other = make_institution(tree.b, name="乙区机构")
    client = _client(tree.user("a", "officer"))
    response = client.post("/funds/accounts/new/", _account_post(other))
    assert response.status_code == 200 and "institution" in response.context["form"].errors
    assert "乙区机构" not in client.get("/funds/accounts/new/").content.decode()
    assert not EscrowAccount.objects.exists()


def test_officer_edits_an_account_keeping_the_number(tree, account_a):
    client = _client(tree.user("a", "officer"))
    data = _account_post(account_a.institution, account_number="", yellow_threshold_fen="5000")
    data["status"] = "active"
    response = client.post(f"/funds/accounts/{account_a.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    account_a.refresh_from_db()
    assert account_a.account_number == ACCOUNT_NUMBER
    assert account_a.yellow_threshold_fen == 500_000 and account_a.balance_fen == 0
    # The supervisor and the auditor cannot open the page.
    assert (
        _client(tree.user("a", "auditor")).get(f"/funds/accounts/{account_a.pk}/edit/").status_code
        == 403
    )


def _fee_post(institution, **extra):
    data = {
        "institution": institution.pk,
        "student_name": "欧阳小明",
        "course_name": "初中物理",
        "contract_number": "HT-2026-001",
        "amount_fen": "4800",
        "collected_on": "2026-03-02",
        "period_start": "2026-03-02",
        "period_end": "2026-05-30",
        "class_hours": "40",
    }
    return {**data, **extra}


def test_fee_record_create_and_edit_with_the_fee_cap(tree, account_a):
    client = _client(tree.user("a", "officer"))
    institution = account_a.institution
    over = _fee_post(institution, amount_fen="6000")
    response = client.post("/funds/fees/new/", over)
    assert response.status_code == 200
    assert "5000" in str(response.context["form"].errors["amount_fen"])
    assert "教监管函" in response.content.decode()
    assert not FeeRecord.objects.exists()
    response = client.post("/funds/fees/new/", {**over, "record_as_violation": "on"})
    assert response.status_code == 302
    record = FeeRecord.objects.get()
    assert record.violates_cap and record.amount_fen == 600_000
    page = client.get(response["Location"]).content.decode()
    assert "欧阳小明" not in page and "欧***" in page
    # Edit: the student kept when left empty; the amount fixed once money moved.
    ledger.entry_post(
        actor=act(tree.user("a", "officer")),
        account=account_a,
        kind="fee",
        amount_fen=600_000,
        booked_on=DAY,
        fee_record=record,
    )
    edit = _fee_post(institution, student_name="", amount_fen="5000", course_name="初中化学")
    response = client.post(f"/funds/fees/{record.pk}/edit/", edit)
    assert response.status_code == 200 and "冲正" in response.content.decode()
    response = client.post(f"/funds/fees/{record.pk}/edit/", {**edit, "amount_fen": "6000"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.course_name == "初中化学" and record.student_name == "欧阳小明"
    bad = client.post("/funds/fees/new/", _fee_post(institution, period_end="2026-01-01"))
    assert "period_end" in bad.context["form"].errors


def _open_kinds(account):
    warnings = FundWarning.objects.filter(account=account, status="open")
    return set(warnings.values_list("kind", flat=True))


def test_thresholds_inherit_from_the_city_and_are_audited(tree, institution_a):
    city = act(tree.user("city", "supervisor"))
    admin = act(tree.user("a", "admin"))
    assert thresholds.defaults_for(tree.a.pk) == thresholds.Defaults()
    thresholds.fund_settings_set(
        actor=city, red_threshold_fen=200_000, yellow_threshold_fen=500_000, basis="杭教〔2026〕1号"
    )
    found = thresholds.defaults_for(tree.a.pk)
    assert (found.red_fen, found.yellow_fen, found.red_from) == (200_000, 500_000, tree.city.name)
    # The district sets its own yellow figure only: red still comes from the city.
    thresholds.fund_settings_set(actor=admin, red_threshold_fen=None, yellow_threshold_fen=800_000)
    found = thresholds.defaults_for(tree.a.pk)
    assert (found.red_fen, found.yellow_fen) == (200_000, 800_000)
    assert (found.red_from, found.yellow_from) == (tree.city.name, tree.a.name)
    assert thresholds.defaults_for(tree.b.pk).yellow_fen == 500_000
    # An account that follows the defaults warns by them.
    account = open_account(institution_a, follows_defaults=True)
    ledger.entry_post(
        actor=None, account=account, kind="deposit", amount_fen=300_000, booked_on=DAY
    )
    kinds = set(
        FundWarning.objects.filter(account=account, status="open").values_list("kind", flat=True)
    )
    assert "below_threshold" in kinds and "below_minimum" not in kinds
    thresholds.fund_settings_set(
        actor=admin, red_threshold_fen=400_000, yellow_threshold_fen=800_000
    )
    kinds = set(
        FundWarning.objects.filter(account=account, status="open").values_list("kind", flat=True)
    )
    assert "below_minimum" in kinds
    changes = AuditEvent.objects.filter(model="funds.fundsettings")
    assert changes.count() == 3
    assert FundSettings.objects.count() == 2


def test_settings_page_errors_and_roles(tree):
    admin = _client(tree.user("a", "admin"))
    response = admin.post(
        "/funds/settings/", {"red_threshold_fen": "5000", "yellow_threshold_fen": "1000"}
    )
    assert response.status_code == 400
    assert "黄色" in response.content.decode()
    assert not FundSettings.objects.exists()
    response = admin.post(
        "/funds/settings/", {"red_threshold_fen": "1000", "basis": "西教〔2026〕3号"}
    )
    assert response.status_code == 302
    # The officer reads the page but cannot change the defaults.
    officer = _client(tree.user("a", "officer"))
    assert "西教〔2026〕3号" in officer.get("/funds/settings/").content.decode()
    assert officer.post("/funds/settings/", {"red_threshold_fen": "1"}).status_code == 403
    # The city's supervisor sets the city's; the district page shows it in force.
    city = _client(tree.user("city", "supervisor"))
    assert city.post("/funds/settings/", {"yellow_threshold_fen": "9000"}).status_code == 302
    assert FundSettings.objects.get(bureau=tree.city).yellow_threshold_fen == 900_000
    body = officer.get("/funds/settings/").content.decode()
    assert "¥9,000.00" in body and tree.city.name in body
    # The audit administrator reads the changes in the audit trail, not on the page (三权分立).
    auditor = _client(tree.user("a", "auditor"))
    assert auditor.get("/funds/settings/").status_code == 403
    listed = auditor.get("/bureaus/audit/", {"model": "funds.fundsettings"}).content.decode()
    event = AuditEvent.objects.filter(model="funds.fundsettings", bureau=tree.a).earliest("at")
    assert f"/bureaus/audit/{event.pk}/" in listed
    assert "1,000.00 元" in auditor.get(f"/bureaus/audit/{event.pk}/").content.decode()
