"""The API: a city-issued campaign's shares seen by each district and the city, answers keyed
by item (a retry changes nothing), bad input refused in Chinese with nothing written,
notices through their actions, draws and their replay, statistics."""

import datetime as dt

import pytest

from inspections.models import Draw, Finding, FindingPhoto, RectificationNotice
from tests.clients import api_client as client
from tests.inspections.conftest import act, answer_all, jpeg, make_institution, upload

pytestmark = pytest.mark.django_db


def test_city_campaign_each_district_sees_its_own_share(tree, campaign, share_a, share_b):
    a = client(tree.user("a", "officer"))
    listed = a.get("/api/v1/campaign-shares/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [share_a.pk]
    assert rows[0]["campaign"]["name"] == campaign.name
    assert len(rows[0]["campaign"]["items"]) == 9
    assert a.get(f"/api/v1/campaign-shares/{share_b.pk}/").status_code == 404
    assert a.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    city = client(tree.user("city", "supervisor"))
    assert city.get(f"/api/v1/campaign-shares/{share_b.pk}/").status_code == 200
    stats = city.get(f"/api/v1/campaigns/{campaign.pk}/statistics/").json()
    assert [d["district"] for d in stats["districts"]] == sorted([tree.a.name, tree.b.name])


def test_answer_twice_is_one_finding(tree, visit):
    c = client(tree.user("a", "inspector"))
    item = visit.share.campaign.items.first()
    url = f"/api/v1/inspections/{visit.pk}/answer/"
    payload = {"item": item.pk, "result": "violation", "note": "未公示"}
    first = c.post(url, payload, format="json")
    second = c.post(url, payload, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert Finding.objects.filter(inspection=visit).count() == 1
    assert len(c.get(url).json()) == 1


def test_answer_with_a_photo_records_its_hash(tree, visit):
    c = client(tree.user("a", "inspector"))
    item = visit.share.campaign.items.first()
    data = jpeg()
    response = c.post(
        f"/api/v1/inspections/{visit.pk}/answer/",
        {"item": item.pk, "result": "violation", "photo": upload("p.jpg", data)},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    import hashlib

    assert response.json()["photos"][0]["sha256"] == hashlib.sha256(data).hexdigest()


def test_bad_answers_are_refused_in_chinese_and_nothing_written(tree, visit):
    c = client(tree.user("a", "inspector"))
    item = visit.share.campaign.items.first()
    url = f"/api/v1/inspections/{visit.pk}/answer/"
    not_image = c.post(
        url,
        {"item": item.pk, "result": "violation", "photo": upload("p.jpg", b"%PDF-1.4 nope" * 30)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert not_image.status_code == 400
    assert "不是照片" in not_image.content.decode()
    outside = c.post(url, {"item": 999999, "result": "ok"}, format="json")
    assert outside.status_code == 400
    assert "不在本次行动的检查清单中" in outside.content.decode()
    assert not Finding.objects.exists() and not FindingPhoto.objects.exists()


def test_notice_in_the_past_is_refused_then_issued_and_closed(tree, visit):
    findings = answer_all(visit, act(tree.user("a", "inspector")))
    c = client(tree.user("a", "officer"))
    url = f"/api/v1/inspections/{visit.pk}/notices/"
    past = c.post(
        url,
        {"findings": [findings[0].pk], "requirements": "整改", "working_days": 0},
        format="json",
    )
    assert past.status_code == 400 and "工作日" in past.content.decode()
    assert not RectificationNotice.objects.exists()
    made = c.post(
        url,
        {"findings": [findings[0].pk], "requirements": "整改", "working_days": 5},
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    base = f"/api/v1/rectification-notices/{pk}"
    assert c.get(f"{base}/verify/").json()["allowed"] is False
    assert c.post(f"{base}/submit/", {"evidence": "已整改"}, format="json").status_code == 200
    done = c.post(f"{base}/verify/", {"note": "复查属实"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    again = c.post(f"{base}/verify/", {}, format="json")
    assert again.status_code == 400


def test_draw_through_the_api_and_replay(tree, share_a):
    for i in range(5):
        make_institution(tree.a, f"机构{i}")
    c = client(tree.user("a", "officer"))
    too_many = c.post("/api/v1/draws/", {"share": share_a.pk, "count": 6}, format="json")
    assert too_many.status_code == 400 and "最多抽取5家" in too_many.content.decode()
    assert not Draw.objects.exists()
    made = c.post("/api/v1/draws/", {"share": share_a.pk, "count": 2, "seed": "s"}, format="json")
    assert made.status_code == 201
    replay = c.get(f"/api/v1/draws/{made.json()['id']}/replay/").json()
    assert replay["matches"] is True
    # An inspector cannot draw; a sibling's share is not found.
    assert (
        client(tree.user("a", "inspector"))
        .post("/api/v1/draws/", {"share": share_a.pk, "count": 1}, format="json")
        .status_code
        == 403
    )
    b = client(tree.user("b", "officer"))
    assert (
        b.post("/api/v1/draws/", {"share": share_a.pk, "count": 1}, format="json").status_code
        == 400
    )


def test_statistics_count_the_effort(tree, visit, share_a):
    from inspections.services import notices, visits

    inspector = act(tree.user("a", "inspector"))
    findings = answer_all(visit, inspector, violations=2)
    visits.inspection_conclude(
        actor=inspector, inspection=visit, outcome="suspend", personnel_times=6, vehicle_trips=2
    )
    notice = notices.notice_issue(
        actor=act(tree.user("a", "officer")),
        inspection=visit,
        findings=findings[:2],
        requirements="整改",
        working_days=5,
    )
    RectificationNotice.objects.filter(pk=notice.pk).update(due_on=dt.date(2026, 1, 5))
    notices.notices_chase(today=dt.date(2026, 1, 7))
    stats = client(tree.user("a", "officer")).get(
        f"/api/v1/campaign-shares/{share_a.pk}/statistics/"
    )
    total = stats.json()["total"]
    assert total["institutions"] == 1 and total["personnel_times"] == 6
    assert total["vehicle_trips"] == 2 and total["suspended"] == 1
    assert total["issued"] == 1 and total["overdue"] == 1 and total["closed"] == 0
    assert sum(total["areas"].values()) == 2
