"""The staff page of a random draw: by count or by ratio, filters, optional weighting by risk;
refusals (larger than the pool, count and ratio both or neither, a ratio out of range) shown
on their field in Chinese with nothing written; another district's share is a 404 and a role
that may not draw is refused."""

import math

import pytest

from inspections.models import Draw, DrawPool
from inspections.services import draws
from institutions.models import Institution
from tests.clients import page_client as client
from tests.inspections.conftest import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(tree):
    return [make_institution(tree.a, f"抽查机构{i}") for i in range(10)]


def url(share):
    return f"/inspections/shares/{share.pk}/draw/"


def test_the_share_page_links_to_the_draw_page_for_those_who_may_draw(tree, share_a):
    officer = client(tree.user("a", "officer")).get(f"/inspections/shares/{share_a.pk}/")
    assert url(share_a) in officer.content.decode()
    inspector = client(tree.user("a", "inspector")).get(f"/inspections/shares/{share_a.pk}/")
    assert url(share_a) not in inspector.content.decode()
    page = client(tree.user("a", "officer")).get(url(share_a))
    assert page.status_code == 200
    body = page.content.decode()
    for field in ("count", "ratio", "weighted", "category", "street", "seed"):
        assert f'name="{field}"' in body


def test_a_draw_by_count(tree, share_a, pool):
    response = client(tree.user("a", "officer")).post(url(share_a), {"count": 3, "seed": "页面"})
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/draws/{draw.pk}/"
    assert (draw.count, draw.seed, draw.algorithm) == (3, "页面", draws.ALGORITHM)
    assert draw.pool == sorted(i.pk for i in pool)
    assert draws.draw_replay(draw)["matches"] is True


def test_a_draw_by_ratio_weighted_by_risk(tree, share_a, pool):
    Institution.objects.filter(pk=pool[0].pk).update(warning_codes=["licence_expired"])
    response = client(tree.user("a", "officer")).post(
        url(share_a), {"ratio": "0.25", "weighted": "on"}
    )
    assert response.status_code == 302
    draw = Draw.objects.get()
    assert draw.count == math.ceil(0.25 * len(pool)) == 3 and str(draw.ratio) == "0.2500"
    assert draw.algorithm == draws.WEIGHTED and draw.weights[str(pool[0].pk)] == 2
    assert draws.draw_replay(draw)["matches"] is True


def test_filters_narrow_the_pool_on_the_page(tree, share_a, pool):
    Institution.objects.filter(pk__in=[pool[1].pk, pool[2].pk]).update(category="arts")
    client(tree.user("a", "officer")).post(url(share_a), {"count": 2, "category": "arts"})
    draw = Draw.objects.get()
    assert draw.pool == [pool[1].pk, pool[2].pk] and draw.filters == {"category": "arts"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"count": 11}, "count", "符合条件的机构只有10家，最多抽取10家。"),
        ({"count": 2, "category": "arts"}, "count", "符合条件的机构只有0家，最多抽取0家。"),
        ({"count": 2, "ratio": "0.5"}, "ratio", "请填写抽取数量或抽取比例，不能同时填写。"),
        ({}, "count", "请填写抽取机构数量。"),
        ({"ratio": "1.5"}, "ratio", "确保该值小于或等于1。"),
        ({"count": 0}, "count", "确保该值大于或等于1。"),
    ],
)
def test_refusals_are_shown_in_chinese_and_nothing_is_written(
    tree, share_a, pool, data, field, message
):
    response = client(tree.user("a", "officer")).post(url(share_a), data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not Draw.objects.exists() and not DrawPool.objects.exists()


def test_another_districts_share_and_a_role_that_may_not_draw(tree, share_a, share_b, pool):
    sibling = client(tree.user("b", "officer"))
    assert sibling.get(url(share_a)).status_code == 404
    assert sibling.post(url(share_a), {"count": 1}).status_code == 404
    assert client(tree.user("a", "inspector")).post(url(share_a), {"count": 1}).status_code == 403
    assert client(tree.user("city", "supervisor")).get(url(share_a)).status_code in (403, 404)
    assert not Draw.objects.exists()
