"""Random draws (双随机): same seed, same result; a tampered draw is detected on replay;
recusal and "inspected it last time" honoured; a draw larger than the pool refused."""

import pytest
from django.core.exceptions import ValidationError

from bureaus.context import acting, system_actor
from bureaus.models import AuditEvent, Department, Membership
from inspections.models import Draw, DrawPool, InspectorRecusal
from inspections.models.draws import pack_ids
from inspections.services import draws, visits
from tests.conftest import make_user
from tests.inspections.conftest import act, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(tree):
    return [make_institution(tree.a, f"培训机构{i}") for i in range(12)]


@pytest.fixture
def roster(tree):
    """Two departments of district A, three inspectors each."""
    with acting(system_actor("tests")):
        education = Department.objects.create(bureau=tree.a, name="教育局执法队", kind="education")
        market = Department.objects.create(bureau=tree.a, name="市场监管所", kind="market")
        users = {}
        for department in (education, market):
            for i in range(3):
                user = make_user(f"insp-{department.kind}-{i}", tree.a, "inspector")
                Membership.objects.filter(user=user).update(department=department)
                users[(department.kind, i)] = user
    return education, market, users


def test_same_seed_same_targets_and_inspectors(tree, share_a, pool, roster):
    officer = act(tree.user("a", "officer"))
    one = draws.draw_make(actor=officer, share=share_a, count=4, seed="abc123")
    two = draws.draw_make(actor=officer, share=share_a, count=4, seed="abc123")
    assert one.result == two.result
    assert len(one.result) == 4
    assert all(len(r["inspectors"]) == 2 for r in one.result)
    assert one.pool == sorted(i.pk for i in pool) and one.algorithm == draws.ALGORITHM
    other = draws.draw_make(actor=officer, share=share_a, count=4, seed="another seed")
    assert other.result != one.result


def test_replay_matches_and_detects_tampering(tree, share_a, pool, roster):
    draw = draws.draw_make(actor=act(tree.user("a", "officer")), share=share_a, count=3)
    assert draws.draw_replay(draw)["matches"] is True
    tampered = [dict(r) for r in draw.result]
    outside = next(pk for pk in draw.pool if pk not in {r["institution"] for r in draw.result})
    tampered[0]["institution"] = outside
    Draw.objects.filter(pk=draw.pk).update(result=tampered)
    draw.refresh_from_db()
    replay = draws.draw_replay(draw)
    assert replay["matches"] is False and replay["recomputed"] != draw.result


def test_the_pool_is_stored_once_packed_and_checked_by_its_digest(tree, share_a, pool):
    """The pool is not on the audited draw row (its digest is): the audit event of the draw
    holds no pool, and a pool changed after the draw fails the replay."""
    draw = draws.draw_make(actor=act(tree.user("a", "officer")), share=share_a, count=3)
    assert draw.pool_size == len(pool) and len(draw.pool_digest) == 64
    event = AuditEvent.objects.filter(model="inspections.draw", object_id=str(draw.pk)).get()
    assert "pool" not in str(event.changes).replace("pool_size", "").replace("pool_digest", "")
    assert not AuditEvent.objects.filter(model="inspections.drawpool").exists()
    # One institution swapped for another in the stored pool.
    ids = draw.pool
    ids[0] = ids[0] + 10_000
    DrawPool.objects.dangerously_unaudited().filter(draw=draw).update(ids=pack_ids(ids))
    replay = draws.draw_replay(Draw.objects.get(pk=draw.pk))
    assert replay == {
        "matches": False,
        "recomputed": [],
        "reason": "pool does not match its digest",
    }
    # The pool missing altogether.
    DrawPool.objects.dangerously_unaudited().filter(draw=draw).delete()
    assert draws.draw_replay(Draw.objects.get(pk=draw.pk))["matches"] is False


def test_recused_and_last_time_inspectors_are_never_drawn(tree, share_a, pool, roster):
    education, market, users = roster
    target = pool[0]
    with acting(system_actor("tests")):
        InspectorRecusal.objects.create(institution=target, inspector=users[("education", 0)])
    # Inspector market-1 inspected the target last time.
    officer = act(tree.user("a", "officer"))
    last = visits.inspection_plan(
        actor=officer,
        share=share_a,
        institution=target,
        planned_on=share_a.campaign.starts_on,
        inspectors=[users[("market", 1)]],
    )
    visits.inspection_start(actor=officer, inspection=last)
    for seed in ("s1", "s2", "s3", "s4", "s5", "s6"):
        draw = draws.draw_make(actor=officer, share=share_a, count=len(pool), seed=seed)
        team = next(r for r in draw.result if r["institution"] == target.pk)["inspectors"]
        assert team[str(education.pk)] != users[("education", 0)].pk
        assert team[str(market.pk)] != users[("market", 1)].pk
        assert users[("education", 0)].pk not in draw.roster[str(target.pk)][str(education.pk)]


def test_a_draw_larger_than_the_pool_is_refused(tree, share_a, pool):
    with pytest.raises(ValidationError) as exc:
        draws.draw_make(actor=act(tree.user("a", "officer")), share=share_a, count=13)
    assert exc.value.message_dict["count"] == ["符合条件的机构只有12家，最多抽取12家。"]
    assert not Draw.objects.exists()


def test_filters_narrow_the_pool(tree, share_a, pool):
    arts = make_institution(
        tree.a,
        "艺术培训",
    )
    from institutions.models import Institution

    Institution.objects.filter(pk=arts.pk).update(category="arts")
    draw = draws.draw_make(
        actor=act(tree.user("a", "officer")), share=share_a, count=1, filters={"category": "arts"}
    )
    assert draw.pool == [arts.pk] and draw.result[0]["institution"] == arts.pk
