"""Edits and status changes of one institution at once, each request on its own connection
(issue 8 item 7): nothing is lost, nothing is reverted, the history matches the row."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from bureaus.context import acting, system_actor
from institutions.models import Credential, Institution, StatusChange
from institutions.services.credentials import credential_record
from institutions.services.lifecycle import institution_change_status
from institutions.services.registry import institution_register
from tests.concurrency import run_concurrently
from tests.institutions.conftest import license_institution, valid_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def institution(tree):
    with acting(system_actor("tests")):
        i = institution_register(
            actor=None, bureau=tree.a, name="西湖围棋", category="arts", credit_code=valid_code(1)
        )
        license_institution(i)
    return i


def _patch(user, pk, payload):
    client = APIClient()
    client.force_authenticate(user)
    return client.patch(reverse("institution-detail", args=[pk]), payload, format="json")


def test_address_and_contact_edits_at_once_lose_nothing(tree, institution):
    officer = tree.user("a", "officer")

    def edit(n):
        payload = {"address": "古墩路88号"} if n % 2 else {"contact_name": "新联系人"}
        return _patch(officer, institution.pk, payload).status_code

    assert run_concurrently(edit, 16) == [200] * 16
    institution.refresh_from_db()
    assert institution.address == "古墩路88号"
    assert institution.contact_name == "新联系人"


def test_status_change_racing_edits_keeps_row_and_history_consistent(tree, institution):
    officer = tree.user("a", "officer")

    def act(n):
        if n == 0:
            with acting(system_actor("tests")):
                institution_change_status(
                    actor=None, institution=institution, to_status="closed", reason="自行停办"
                )
            return "closed"
        return _patch(officer, institution.pk, {"address": f"文三路{n}号"}).status_code

    results = run_concurrently(act, 16)
    assert results[0] == "closed" and results[1:] == [200] * 15
    institution.refresh_from_db()
    assert institution.status == Institution.Status.CLOSED
    history = list(StatusChange.objects.filter(institution=institution))
    assert [(c.from_status, c.to_status) for c in history] == [("preparing", "closed")]
    assert institution.address.startswith("文三路")


def test_two_status_changes_at_once_make_one_step(tree, institution):
    def close(_):
        with acting(system_actor("tests")):
            return institution_change_status(
                actor=None, institution=institution, to_status="closed", reason="自行停办"
            )

    results = run_concurrently(close, 8)
    assert sum(isinstance(r, StatusChange) for r in results) == 1, results
    assert StatusChange.objects.filter(institution=institution).count() == 1


def test_licences_recorded_at_once_make_one_credential_of_the_kind(tree, institution):
    def renew(n):
        with acting(system_actor("tests")):
            return credential_record(
                actor=None, institution=institution, kind="school_licence", number=f"教民{n}号"
            )

    results = run_concurrently(renew, 8)
    assert all(isinstance(r, Credential) for r in results), results
    assert Credential.objects.filter(institution=institution, kind="school_licence").count() == 1
