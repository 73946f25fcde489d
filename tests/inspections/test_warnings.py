"""Inspections' warnings on the institution (institutions.extensions): an overdue notice and
one escalated to the city are set by the periodic job, set-based and idempotently; closing
the notice (or a sanction) clears them at once; other sources' codes are left alone."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.models import RectificationNotice
from inspections.services import notices
from inspections.services.notices import notices_chase
from inspections.warnings import sync_all
from institutions.models import Institution
from tests.inspections.conftest import act

pytestmark = pytest.mark.django_db

OVERDUE, CITY = "inspections:overdue", "inspections:city"


def codes(institution):
    return Institution.objects.values_list("warning_codes", flat=True).get(pk=institution.pk)


@pytest.fixture
def late(notice):
    RectificationNotice.objects.filter(pk=notice.pk).update(due_on=dt.date(2026, 10, 10))
    Institution.objects.filter(pk=notice.inspection.institution_id).update(
        warning_codes=["licence_expired"]
    )
    return notice


def test_overdue_then_city_then_cleared_when_closed(tree, late):
    institution = late.inspection.institution
    assert notices_chase(today=dt.date(2026, 10, 9))["warnings"] == 0  # not yet due
    assert codes(institution) == ["licence_expired"]
    result = notices_chase(today=dt.date(2026, 10, 11))
    assert result["marked"] == 1 and result["warnings"] == 1
    assert codes(institution) == ["licence_expired", OVERDUE]
    assert notices_chase(today=dt.date(2026, 10, 11))["warnings"] == 0  # idempotent
    assert sync_all() == 0
    result = notices_chase(today=dt.date(2026, 10, 30))
    assert result["city"] == 1 and result["warnings"] == 1
    assert set(codes(institution)) == {"licence_expired", OVERDUE, CITY}
    assert notices_chase(today=dt.date(2026, 10, 30))["warnings"] == 0
    # Evidence received: no longer owed, the warnings go at once (not waiting for the job).
    officer = act(tree.user("a", "officer"))
    late.refresh_from_db()
    late = notices.notice_submit_evidence(actor=officer, notice=late, evidence="已整改")
    assert codes(institution) == ["licence_expired"]
    # Rejected and given a new deadline: owed again but not overdue, no warning.
    late = notices.notice_reject(actor=officer, notice=late, note="不全")
    late = notices.notice_reissue(actor=officer, notice=late, working_days=5)
    assert codes(institution) == ["licence_expired"]
    assert notices_chase(today=late.due_on)["warnings"] == 0
    assert codes(institution) == ["licence_expired"]


def test_a_sanction_clears_the_warning(tree, late):
    institution = late.inspection.institution
    notices_chase(today=dt.date(2026, 10, 11))
    assert OVERDUE in codes(institution)
    late.refresh_from_db()
    notices.notice_sanction(
        actor=act(tree.user("a", "officer")), notice=late, sanction="suspend", reason="逾期未整改"
    )
    assert OVERDUE not in codes(institution)
    assert notices_chase(today=dt.date(2026, 10, 12))["warnings"] == 0


def test_the_warning_shows_on_the_registry_page(tree, late, client):
    notices_chase(today=dt.date(2026, 10, 11))
    client.force_login(tree.user("a", "officer"))
    url = reverse("institutions:institution-detail", args=[late.inspection.institution_id])
    page = client.get(url).content.decode()
    assert "整改通知书逾期" in page
