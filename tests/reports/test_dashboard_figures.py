"""The figures of a district (reports.figures), gathered through the apps' selectors: each
counts what its list shows, per district, and never another district's rows."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import Complaint
from funds.models import FundWarning
from inspections.models import Inspection, RectificationNotice
from institutions.models import Credential, Institution, ListEntry
from reports import figures
from tests.complaints.records import make_complaint
from tests.records import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(tree, as_system):
    today = timezone.localdate()
    a, b = tree.a, tree.b
    for i in range(3):
        Institution.objects.create(bureau=a, name=f"甲机构{i}", category="arts", status="normal")
    banned = Institution.objects.create(
        bureau=a, name="甲取缔", category="academic", status="banned"
    )
    Credential.objects.create(
        institution=banned,
        kind=Credential.Kind.SCHOOL_LICENCE,
        number="教民1",
        expires_on=today + dt.timedelta(days=10),
    )
    ListEntry.objects.create(institution=banned, kind=ListEntry.Kind.BLACK, reason="无证")
    make_record(ListEntry, b, "乙黑名单")
    make_complaint(a, "甲举报1")
    make_complaint(a, "甲举报2", due_on=today - dt.timedelta(days=1))
    make_complaint(a, "甲举报3", status=Complaint.Status.CONCLUDED)
    make_complaint(b, "乙举报")
    visit = make_record(Inspection, a, "甲检查")
    Inspection.objects.filter(pk=visit.pk).update(personnel_times=5, vehicle_trips=2)
    notice = make_record(RectificationNotice, a, "甲通知")
    RectificationNotice.objects.filter(pk=notice.pk).update(overdue_since=today)
    make_record(FundWarning, a, "甲预警")
    return tree


def test_district_figures_count_each_district_apart(filled):
    tree = filled
    got = figures.district_figures(bureau_ids=[tree.a.pk, tree.b.pk])
    a, b = got[tree.a.pk], got[tree.b.pk]
    # 3 normal + banned + the visits' institutions (arts, preparing) + the warning's account's
    assert a["status_normal"] == 3
    assert a["status_banned"] == 1
    assert a["institutions"] == Institution.objects.filter(bureau=tree.a).count()
    assert a["black_listed"] == 1 and b["black_listed"] == 1
    assert a["licensed"] == 1 and a["licence_expiring"] == 1
    assert a["complaints_received"] == 3 and b["complaints_received"] == 1
    assert a["complaints_overdue"] == 1
    assert a["complaints_concluded"] == 1
    assert a["visits"] == 2  # the inspection and the notice's visit, both started
    assert a["personnel_times"] == 5 and a["vehicle_trips"] == 2
    assert a["notices_issued"] == 1 and a["notices_overdue"] == 1 and a["notices_open"] == 1
    assert a["warnings_red"] == 1 and b["warnings_red"] == 0
    assert a["escrow_accounts"] == 1 and a["escrow_balance_fen"] == 1000
    assert set(a) == set(figures.stored_keys())


def test_totals_and_ratios_are_computed_from_sums(filled):
    tree = filled
    rows = figures.district_figures(bureau_ids=[tree.a.pk, tree.b.pk]).values()
    total = figures.with_ratios(figures.totals(rows))
    assert total["complaints_received"] == 4
    assert total["campaign_planned"] == 2
    assert total["campaign_progress"] == 0.0
    assert figures.with_ratios({"escrow_required": 0})["escrow_coverage"] is None


def test_monthly_figures_cover_every_month_of_the_trend(filled):
    tree = filled
    today = timezone.localdate()
    months = figures.month_starts(today)
    assert len(months) == 12 and months[-1] == today.replace(day=1)
    got = figures.monthly_figures(bureau_ids=[tree.a.pk], since=months[0])[tree.a.pk]
    assert list(got) == months
    assert got[months[-1]]["complaints_received"] == 3
    assert got[months[-1]]["visits"] == 2
    assert got[months[0]]["visits"] == 0 or months[0] == months[-1]
