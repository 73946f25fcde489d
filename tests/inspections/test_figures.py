"""The statistics' figures kept per campaign share and street (ShareFigures) equal a live count
of the records after every kind of change, in the same transaction; concurrent writers to one
share lose nothing; the statistics endpoints read them with a fixed number of queries."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from bureaus.context import acting, system_actor
from bureaus.models import Street
from inspections.models import Finding, RectificationNotice, ShareFigures
from inspections.models.figures import FIGURES
from inspections.services import notices, visits
from inspections.services.figures import figures_rebuild, figures_refresh, live_figures
from tests.concurrency import run_concurrently
from tests.inspections.conftest import act, answer_all, make_institution

pytestmark = pytest.mark.django_db


def stored(share_ids) -> dict:
    return {
        (f.share_id, f.street_id): {**{k: getattr(f, k) for k in FIGURES}, "areas": f.areas}
        for f in ShareFigures.objects.filter(share_id__in=share_ids)
    }


def assert_current(*shares):
    ids = [s.pk for s in shares]
    live = live_figures(ids)
    assert stored(ids) == live
    return live


def total(share, figure):
    return sum(r[figure] for r in assert_current(share).values())


def test_every_kind_of_change_keeps_the_figures_equal_to_a_live_count(
    tree, share_a, share_b, institution_a
):
    with acting(system_actor("tests")):
        street = Street.objects.create(bureau=tree.a, name="北山街道")
    on_street = make_institution(tree.a, "北山培训", street=street)
    inspector = act(tree.user("a", "inspector"))
    officer = act(tree.user("a", "officer"))
    assert assert_current(share_a, share_b) == {}
    planned = visits.inspection_plan(
        actor=inspector, share=share_a, institution=institution_a, planned_on=timezone.localdate()
    )
    assert total(share_a, "visits") == 0  # a planned visit is not counted yet
    visit = visits.inspection_start(actor=inspector, inspection=planned)
    assert total(share_a, "visits") == 1 and total(share_a, "institutions") == 1
    findings = answer_all(visit, inspector, violations=2)
    assert sum(sum(r["areas"].values()) for r in assert_current(share_a).values()) == 2
    # An answer changed (violation → compliant), then the same answer again (a retry).
    visits.finding_save(actor=inspector, inspection=visit, item=findings[1].item, result="ok")
    visits.finding_save(actor=inspector, inspection=visit, item=findings[1].item, result="ok")
    assert sum(sum(r["areas"].values()) for r in assert_current(share_a).values()) == 1
    visits.finding_save(
        actor=inspector, inspection=visit, item=findings[1].item, result="violation"
    )
    visits.inspection_conclude(
        actor=inspector, inspection=visit, outcome="suspend", personnel_times=4, vehicle_trips=2
    )
    assert (total(share_a, "personnel_times"), total(share_a, "vehicle_trips")) == (4, 2)
    assert total(share_a, "suspended") == 1
    first = notices.notice_issue(
        actor=officer, inspection=visit, findings=findings[:1], requirements="整改", working_days=5
    )
    second = notices.notice_issue(
        actor=officer, inspection=visit, findings=findings[1:2], requirements="整改", working_days=5
    )
    assert total(share_a, "issued") == 2
    notices.notice_submit_evidence(actor=officer, notice=first, evidence="已整改")
    notices.notice_verify(actor=officer, notice=first)
    assert total(share_a, "closed") == 1
    # Overdue by the periodic job, then sanctioned (still counted overdue: not closed).
    RectificationNotice.objects.filter(pk=second.pk).update(due_on=dt.date(2026, 1, 5))
    notices.notices_chase(today=dt.date(2026, 1, 7))
    assert total(share_a, "overdue") == 1
    second.refresh_from_db()
    notices.notice_submit_evidence(actor=officer, notice=second, evidence="材料")
    notices.notice_reject(actor=officer, notice=second, note="不全")
    notices.notice_reissue(actor=officer, notice=second, working_days=5)
    assert total(share_a, "overdue") == 0  # a new deadline: no longer overdue
    notices.notice_sanction(actor=officer, notice=second, sanction="suspend", reason="拒不整改")
    assert_current(share_a)
    # A second visit, to an institution on a street: a row of its own, summed by district.
    other = visits.inspection_start(
        actor=inspector,
        inspection=visits.inspection_plan(
            actor=inspector, share=share_a, institution=on_street, planned_on=dt.date(2026, 3, 2)
        ),
    )
    answer_all(other, inspector, violations=0)
    rows = assert_current(share_a, share_b)
    assert {k[1] for k in rows} == {None, street.pk}
    assert rows[(share_a.pk, street.pk)]["visits"] == 1
    # The sibling's share was never touched.
    assert not ShareFigures.objects.filter(share=share_b).exists()


def test_a_refused_write_leaves_the_figures_as_they_were(tree, visit):
    inspector = act(tree.user("a", "inspector"))
    answer_all(visit, inspector, violations=1)
    before = stored([visit.share_id])
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        visits.inspection_conclude(
            actor=inspector, inspection=visit, outcome="rectify", personnel_times=0, vehicle_trips=0
        )
    assert stored([visit.share_id]) == before == live_figures([visit.share_id])


def test_rebuild_and_refresh_are_idempotent(tree, notice):
    share_id = notice.inspection.share_id
    before = stored([share_id])
    assert figures_refresh([share_id]) == len(before) == 1
    assert figures_rebuild() >= 1
    assert stored([share_id]) == before


def test_statistics_read_the_figures_in_a_fixed_number_of_queries(
    tree, share_a, share_b, notice, django_assert_num_queries
):
    city = Client()
    city.force_login(tree.user("city", "supervisor"))
    campaign = share_a.campaign
    city.get(f"/api/v1/campaigns/{campaign.pk}/statistics/")  # sessions, caches warmed

    def count(url):
        with django_assert_num_queries(QUERIES[url.split("/")[-2]]) as captured:
            response = city.get(url)
        assert response.status_code == 200
        return captured

    base = f"/api/v1/campaigns/{campaign.pk}"
    count(f"{base}/statistics/")
    count(f"{base}/street-statistics/")
    # More visits in more districts: the same number of queries.
    inspector_b = act(tree.user("b", "inspector"))
    other = visits.inspection_start(
        actor=inspector_b,
        inspection=visits.inspection_plan(
            actor=inspector_b,
            share=share_b,
            institution=make_institution(tree.b, "乙区机构"),
            planned_on=timezone.localdate(),
        ),
    )
    answer_all(other, inspector_b, violations=3)
    count(f"{base}/statistics/")
    body = city.get(f"{base}/statistics/").json()
    assert body["total"]["visits"] == 2 and sum(body["total"]["areas"].values()) == 4
    assert len(body["districts"]) == 2
    assert Finding.objects.filter(result="violation").count() == 4


# Per request: session, user, membership, bureau (the auth stack), the campaign, its shares'
# names, the figures rows (the streets' names too when a visited institution has one).
# After a warm request: the memberships and the city's subtree come from Redis (bureaus.acting).
QUERIES = {"statistics": 7, "street-statistics": 7}


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_to_one_share_lose_nothing(tree, share_a):
    """Six visits of one share concluded at once, each on its own connection: the share's
    figures count all six (each refresh waits for the one before it to commit)."""
    inspector = act(tree.user("a", "inspector"))
    started = []
    for i in range(6):
        visit = visits.inspection_plan(
            actor=inspector,
            share=share_a,
            institution=make_institution(tree.a, f"并发机构{i}"),
            planned_on=timezone.localdate(),
        )
        visit = visits.inspection_start(actor=inspector, inspection=visit)
        answer_all(visit, inspector, violations=1)
        started.append(visit)

    def conclude(i):
        return visits.inspection_conclude(
            actor=act(tree.user("a", "inspector")),
            inspection=started[i],
            outcome="rectify",
            personnel_times=2,
            vehicle_trips=1,
        )

    results = run_concurrently(conclude, 6)
    assert not [r for r in results if isinstance(r, Exception)], results
    rows = assert_current(share_a)
    assert sum(r["personnel_times"] for r in rows.values()) == 12
    assert sum(r["vehicle_trips"] for r in rows.values()) == 6


def test_the_nightly_job_follows_an_institution_moved_to_another_street(tree, share_a):
    # No inspections write sees a registry edit; the nightly job re-derives the figures.
    from inspections.tasks import figures_and_warnings_rebuild

    with acting(system_actor("tests")):
        street = Street.objects.create(bureau=tree.a, name="南山街道")
    moved = make_institution(tree.a, "南山培训")
    inspector = act(tree.user("a", "inspector"))
    planned = visits.inspection_plan(
        actor=inspector, share=share_a, institution=moved, planned_on=timezone.localdate()
    )
    visits.inspection_start(actor=inspector, inspection=planned)
    assert set(assert_current(share_a)) == {(share_a.pk, None)}
    with acting(system_actor("tests")):
        type(moved).objects.filter(pk=moved.pk).update(street=street)
    assert set(stored([share_a.pk])) == {(share_a.pk, None)}  # stale until the job runs
    figures_and_warnings_rebuild.run()
    assert set(assert_current(share_a)) == {(share_a.pk, street.pk)}
    before = stored([share_a.pk])
    assert figures_and_warnings_rebuild.run()["institutions_changed"] == 0
    assert stored([share_a.pk]) == before
