"""Targets by filters (warnings, overdue notices, open tip-offs), draws by ratio, and draws
weighted by risk (the weights recorded, so the replay reproduces the draw)."""

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bureaus.context import acting, system_actor
from inspections.models import Draw, DrawPool, RectificationNotice
from inspections.models.draws import pack_ids, pool_digest
from inspections.services import draws
from institutions.models import Institution
from tests.complaints.records import make_complaint
from tests.inspections.conftest import act, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(tree):
    return [make_institution(tree.a, f"培训机构{i}") for i in range(20)]


def test_filter_by_warnings(tree, share_a, pool):
    Institution.objects.filter(pk__in=[pool[1].pk, pool[4].pk]).update(
        warning_codes=["licence_expired"]
    )
    assert draws.draw_pool(bureau=tree.a, filters={"warnings": True}) == [pool[1].pk, pool[4].pk]
    assert draws.draw_pool(bureau=tree.a, filters={"warnings": ""}) == [i.pk for i in pool]


def test_filter_by_overdue_notice(tree, notice, institution_a, pool):
    assert draws.draw_pool(bureau=tree.a, filters={"overdue_notices": True}) == []
    RectificationNotice.objects.filter(pk=notice.pk).update(overdue_since=dt.date(2026, 11, 3))
    assert draws.draw_pool(bureau=tree.a, filters={"overdue_notices": "1"}) == [institution_a.pk]
    RectificationNotice.objects.filter(pk=notice.pk).update(status="closed")
    assert draws.draw_pool(bureau=tree.a, filters={"overdue_notices": True}) == []


def _tipoff(bureau, institution, status="accepted"):
    with acting(system_actor("tests")):
        return make_complaint(bureau, institution.name, institution=institution, status=status)


def test_filter_by_open_tipoff(tree, share_a, pool):
    _tipoff(tree.a, pool[2])
    _tipoff(tree.a, pool[3], status="closed")
    assert draws.draw_pool(bureau=tree.a, filters={"open_tipoffs": True}) == [pool[2].pk]


def test_draw_by_ratio_records_it(tree, share_a, pool):
    draw = draws.draw_make(
        actor=act(tree.user("a", "officer")), share=share_a, ratio="0.15", seed="s"
    )
    assert draw.count == math.ceil(0.15 * 20) == 3 and draw.ratio == Decimal("0.1500")
    assert len(draw.result) == 3 and draws.draw_replay(draw)["matches"]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"ratio": "0"}, "ratio"),
        ({"ratio": "1.5"}, "ratio"),
        ({"ratio": "abc"}, "ratio"),
        ({"ratio": "0.5", "count": 3}, "ratio"),
        ({}, "count"),
        ({"count": 21}, "count"),
    ],
)
def test_bad_draw_is_refused_in_chinese_and_nothing_written(tree, share_a, pool, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        draws.draw_make(actor=act(tree.user("a", "officer")), share=share_a, **kwargs)
    assert field in exc.value.message_dict
    assert not Draw.objects.exists()


def test_weighted_draw_favours_risk_and_replays(tree, share_a, pool):
    risky = pool[:5]
    Institution.objects.filter(pk__in=[i.pk for i in risky]).update(
        warning_codes=["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    )
    for institution in risky:
        _tipoff(tree.a, institution)
    officer = act(tree.user("a", "officer"))
    hits = 0
    for n in range(10):
        draw = draws.draw_make(
            actor=officer, share=share_a, count=5, weighted=True, seed=f"seed-{n}"
        )
        assert draw.algorithm == draws.WEIGHTED
        assert draw.weights[str(risky[0].pk)] == 11 and draw.weights[str(pool[-1].pk)] == 1
        assert draws.draw_replay(draw)["matches"] is True
        hits += sum(r["institution"] in {i.pk for i in risky} for r in draw.result)
    # Weight 11 against 1: the risky fifth of the pool takes most places.
    assert hits > 25
    # The same seed gives the same weighted draw; the replay uses the recorded weights, not
    # today's, and detects weights changed after the draw.
    again = draws.draw_make(actor=officer, share=share_a, count=5, weighted=True, seed="seed-0")
    first = Draw.objects.filter(seed="seed-0").order_by("pk").first()
    assert again.result == first.result
    Institution.objects.update(warning_codes=[])
    assert draws.draw_replay(first)["matches"] is True
    # Every weight set to 1 in the stored pool: the digest on the draw no longer fits it.
    flat = pack_ids([1] * first.pool_size)
    DrawPool.objects.dangerously_unaudited().filter(draw=first).update(weights=flat)
    first = Draw.objects.get(pk=first.pk)
    replay = draws.draw_replay(first)
    assert replay["matches"] is False and replay["reason"] == "pool does not match its digest"
    # … and with the digest forged to fit (the draw's row is audited), the recomputed
    # result differs from the recorded one.
    Draw.objects.filter(pk=first.pk).update(pool_digest=pool_digest(first.pool_data.ids, flat))
    first = Draw.objects.get(pk=first.pk)
    replay = draws.draw_replay(first)
    assert replay["reason"] == "" and replay["matches"] is False


def test_api_draws_by_ratio_weighted_and_refuses_bad_ratio(tree, share_a, pool):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(tree.user("a", "officer"))
    url = "/api/v1/draws/"
    response = client.post(
        url,
        {"share": share_a.pk, "ratio": "0.25", "weighted": True, "filters": {"warnings": False}},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 5 and body["algorithm"] == draws.WEIGHTED and body["ratio"]
    bad = client.post(url, {"share": share_a.pk, "ratio": "2"}, format="json")
    assert bad.status_code == 400 and "ratio" in bad.json()
    assert Draw.objects.count() == 1
