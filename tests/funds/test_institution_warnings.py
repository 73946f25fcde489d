"""Escrow warnings on the institution (institutions.extensions): stored as "funds:<kind>" beside
the registry's own codes, shown on the institution's staff page with an escrow panel (number
masked), found by the list's warning filter and the API, gone when resolved; the periodic job
puts them on set-based, and a second run changes nothing."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from bureaus.context import acting, system_actor
from funds.models import FundWarning
from funds.services import ledger, periodic, warnings
from institutions.models import Institution
from tests.funds.conftest import ACCOUNT_NUMBER

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _codes(institution):
    return Institution.objects.values_list("warning_codes", flat=True).get(pk=institution.pk)


def _client(user, api=False):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def test_a_warning_shows_on_the_institution_and_goes_when_resolved(tree, account_a, officer_a):
    institution = account_a.institution
    # Below the minimum (1,000 yuan) and the threshold: a red warning on the institution.
    ledger.entry_post(
        actor=officer_a, account=account_a, kind="deposit", amount_fen=50_000, booked_on=DAY
    )
    assert "funds:below_minimum" in _codes(institution)
    client = _client(tree.user("a", "officer"))
    page = client.get(f"/institutions/{institution.pk}/").content.decode()
    assert 'data-testid="escrow-panel"' in page
    assert "6222***********3445" in page and ACCOUNT_NUMBER not in page
    assert "资金监管：余额低于最低存款余额" in page  # the warning's label on the registry
    listed = client.get("/institutions/", {"warning": "funds:below_minimum"}).content.decode()
    assert institution.name in listed
    api = _client(tree.user("a", "officer"), api=True)
    payload = api.get(f"/api/v1/institutions/{institution.pk}/").json()
    assert "funds:below_minimum" in payload["warning_codes"]
    # The city's supervisor sees it too; the sibling district does not see the institution.
    city = _client(tree.user("city", "supervisor")).get(f"/institutions/{institution.pk}/")
    assert "escrow-panel" in city.content.decode()
    assert (
        _client(tree.user("b", "officer")).get(f"/institutions/{institution.pk}/").status_code
        == 404
    )
    # Money comes in: the state warning is resolved and leaves the registry.
    ledger.entry_post(
        actor=officer_a, account=account_a, kind="deposit", amount_fen=500_000, booked_on=DAY
    )
    assert not [c for c in _codes(institution) if c.startswith("funds:")]


def test_an_event_warning_stays_until_staff_resolve_it(tree, account_a, officer_a):
    account_a.single_outflow_limit_fen = 10_000
    account_a.save(update_fields=["single_outflow_limit_fen"])
    ledger.entry_post(
        actor=officer_a, account=account_a, kind="deposit", amount_fen=900_000, booked_on=DAY
    )
    ledger.entry_post(
        actor=officer_a, account=account_a, kind="refund", amount_fen=20_000, booked_on=DAY
    )
    assert "funds:large_outflow" in _codes(account_a.institution)
    warning = FundWarning.objects.get(kind="large_outflow")
    warnings.warning_resolve(actor=officer_a, warning=warning, note="已核实为正常退费")
    assert "funds:large_outflow" not in _codes(account_a.institution)


def test_the_periodic_job_syncs_set_based_and_idempotently(tree, account_a):
    institution = account_a.institution
    # A warning written behind the services' back: the job puts it on the registry.
    Institution.objects.filter(pk=institution.pk).update(warning_codes=[])
    with acting(system_actor("tests")):
        first = periodic.funds_periodic(today=DAY)
        second = periodic.funds_periodic(today=DAY)
    assert first["institutions_changed"] == 1 and second["institutions_changed"] == 0
    assert "funds:below_minimum" in _codes(institution)
