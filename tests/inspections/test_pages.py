"""Staff pages: the share list and figures, the phone checklist page (a photo that is not an
image and an item outside the checklist refused in Chinese, nothing written), notice steps,
the draw's replay."""

import pytest

from inspections.models import Draw, Finding
from inspections.services import draws
from tests.clients import page_client as client
from tests.inspections.conftest import act, answer_all, make_institution, upload

pytestmark = pytest.mark.django_db


def test_share_list_and_detail(tree, campaign, share_a, share_b, visit):
    c = client(tree.user("a", "officer"))
    body = c.get("/inspections/").content.decode()
    assert campaign.name in body and f"/inspections/shares/{share_b.pk}/" not in body
    detail = c.get(f"/inspections/shares/{share_a.pk}/").content.decode()
    assert "启明星学科辅导中心" in detail and "出动人次" in detail
    city = client(tree.user("city", "supervisor")).get(f"/inspections/campaigns/{campaign.pk}/")
    assert city.status_code == 200
    assert tree.a.name in city.content.decode() and tree.b.name in city.content.decode()


def test_phone_page_saves_an_answer(tree, visit):
    c = client(tree.user("a", "inspector"))
    url = f"/inspections/visits/{visit.pk}/answer/"
    page = c.get(url).content.decode()
    assert 'capture="environment"' in page and "inspections/answers.js" in page
    assert "<script>" not in page.split("</nav>")[-1]  # no inline script
    item = visit.share.campaign.items.first()
    response = c.post(url, {"item": item.pk, "result": "violation", "note": "无消防器材"})
    assert response.status_code == 302
    assert Finding.objects.get().result == "violation"


def test_phone_page_refuses_bad_input_in_chinese(tree, visit):
    c = client(tree.user("a", "inspector"))
    url = f"/inspections/visits/{visit.pk}/answer/"
    item = visit.share.campaign.items.first()
    bad = c.post(
        url, {"item": item.pk, "result": "ok", "photo": upload("x.jpg", b"GIF89a-not really")}
    )
    assert bad.status_code == 400 and "不是照片" in bad.content.decode()
    outside = c.post(url, {"item": 999999, "result": "ok"})
    assert outside.status_code == 400
    assert "不在本次行动的检查清单中" in outside.content.decode()
    assert not Finding.objects.exists()


def test_notice_pages(tree, notice):
    c = client(tree.user("a", "officer"))
    detail = c.get(f"/inspections/notices/{notice.pk}/").content.decode()
    assert notice.number in detail and "登记整改材料" in detail
    past = c.post(f"/inspections/notices/{notice.pk}/reissue/", {"working_days": "3"})
    assert past.status_code == 400  # not rejected: no re-issue
    c.post(f"/inspections/notices/{notice.pk}/submit/", {"evidence": "已整改"})
    c.post(f"/inspections/notices/{notice.pk}/reject/", {"note": "照片不清"})
    response = c.post(f"/inspections/notices/{notice.pk}/reissue/", {"working_days": "-1"})
    assert response.status_code == 400 and "工作日" in response.content.decode()
    assert (
        c.post(f"/inspections/notices/{notice.pk}/reissue/", {"working_days": "3"}).status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.status == "issued" and notice.reissue_count == 1


def test_draw_page_shows_the_replay(tree, share_a):
    for i in range(3):
        make_institution(tree.a, f"机构{i}")
    draw = draws.draw_make(actor=act(tree.user("a", "officer")), share=share_a, count=2)
    c = client(tree.user("a", "officer"))
    assert "复核通过" in c.get(f"/inspections/draws/{draw.pk}/").content.decode()
    # A drawn institution swapped for one that was not drawn.
    outside = next(pk for pk in draw.pool if pk not in {r["institution"] for r in draw.result})
    tampered = [{"institution": outside, "inspectors": {}}, draw.result[1]]
    Draw.objects.filter(pk=draw.pk).update(result=tampered)
    assert "复核不一致" in c.get(f"/inspections/draws/{draw.pk}/").content.decode()


def test_notice_issue_page_lists_only_violations(tree, visit):
    answer_all(visit, act(tree.user("a", "inspector")), violations=2)
    page = client(tree.user("a", "officer")).get(f"/inspections/visits/{visit.pk}/notice/")
    assert page.content.decode().count('name="findings"') == 2


def test_public_draw_results_show_no_inspector(tree, share_a, client):
    from bureaus.context import acting, system_actor
    from bureaus.models import Department, Membership
    from tests.conftest import make_user

    institution = make_institution(tree.a, "公示机构")
    with acting(system_actor("tests")):
        department = Department.objects.create(bureau=tree.a, name="市场监管所", kind="market")
        inspector = make_user("张检查员", tree.a, "inspector")
        Membership.objects.filter(user=inspector).update(department=department)
    draw = draws.draw_make(actor=act(tree.user("a", "officer")), share=share_a, count=1)
    assert draw.result[0]["institution"] == institution.pk
    page = client.get("/public/random-inspections/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "公示机构" in body and "市场监管所" in body and draw.seed in body
    assert "张检查员" not in body and inspector.display_name not in body


def test_campaign_statistics_export_to_excel(tree, campaign, visit):
    import io

    from openpyxl import load_workbook

    from inspections.services import visits

    inspector = act(tree.user("a", "inspector"))
    answer_all(visit, inspector, violations=1)
    visits.inspection_conclude(
        actor=inspector, inspection=visit, outcome="rectify", personnel_times=46, vehicle_trips=16
    )
    response = client(tree.user("city", "supervisor")).get(
        f"/inspections/campaigns/{campaign.pk}/statistics.xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    by_district = {r[0]: r for r in rows[1:]}
    assert by_district[tree.a.name][1:4] == [1, 46, 16]
    assert by_district[tree.b.name][1:4] == [0, 0, 0]
    assert rows[-1][2] == 46
    # A district has no campaign of its own here: the city's campaign is not found.
    assert (
        client(tree.user("a", "officer"))
        .get(f"/inspections/campaigns/{campaign.pk}/statistics.xlsx")
        .status_code
        == 404
    )
