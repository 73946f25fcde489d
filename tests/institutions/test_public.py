"""Public pages, no login: search across bureaus, disclosure, published lists — and never
personal data or unpublished entries."""

import pytest
from django.urls import reverse

from institutions.models import Institution
from institutions.services.lists import list_entry_add, list_entry_lift
from institutions.services.staff import staff_add

pytestmark = pytest.mark.django_db

SEARCH = reverse("public_institutions:search")


@pytest.fixture
def world(make_institution, tree):
    licensed = make_institution(
        name="西湖书画院",
        licensed=True,
        status="normal",
        contact_name="王芳",
        contact_phone="13812345678",
    )
    staff_add(actor=None, institution=licensed, name="李秘密", id_number="11010519491231002X")
    list_entry_add(actor=None, institution=licensed, kind="white", publish=True)
    rogue = make_institution(name="上城黑心培训", bureau=tree.b, status="normal")
    list_entry_add(actor=None, institution=rogue, kind="black", reason="卷钱跑路", publish=True)
    quiet = make_institution(name="西湖未公布机构", status="normal")
    list_entry_add(actor=None, institution=quiet, kind="black", reason="内部核查中")
    applying = make_institution(name="西湖筹设机构")
    return {"licensed": licensed, "rogue": rogue, "quiet": quiet, "applying": applying}


def test_search_across_districts_shows_licence_and_lists(client, world):
    body = client.get(SEARCH, {"q": "培训"}).content.decode()
    assert "上城黑心培训" in body and "黑名单" in body and "无办学许可证" in body
    body = client.get(SEARCH, {"q": "书画"}).content.decode()
    assert "西湖书画院" in body and "持证办学" in body and "白名单" in body
    assert "书法、国画" in body  # approved scope (亮证)
    body = client.get(SEARCH, {"q": world["rogue"].credit_code}).content.decode()
    assert "上城黑心培训" in body
    body = client.get(SEARCH, {"q": "xhshy"}).content.decode()
    assert "西湖书画院" in body
    # Two characters make no trigram: they are looked up in the bigram array.
    assert "西湖书画院" in client.get(SEARCH, {"q": "XH"}).content.decode()
    assert "上城黑心培训" not in client.get(SEARCH, {"q": "书画"}).content.decode()


def test_public_never_shows_personal_data_or_unpublished_entries(client, world):
    pages = [
        client.get(SEARCH, {"q": "西湖"}).content.decode(),
        client.get(
            reverse("public_institutions:detail", args=[world["licensed"].pk])
        ).content.decode(),
        client.get(
            reverse("public_institutions:detail", args=[world["quiet"].pk])
        ).content.decode(),
        client.get(reverse("public_institutions:district-lists", args=["330106"])).content.decode(),
    ]
    for body in pages:
        for secret in (
            "13812345678",
            "138****5678",
            "王芳",
            "李秘密",
            "11010519491231002X",
            "内部核查中",
            "西湖筹设机构",
        ):
            assert secret not in body
    assert "西湖未公布机构" in pages[0]
    assert "黑名单" not in pages[2].split("亮证公示")[0].split("西湖未公布机构", 1)[1]


def test_application_in_progress_is_not_public(client, world):
    url = reverse("public_institutions:detail", args=[world["applying"].pk])
    assert client.get(url).status_code == 404


def test_district_lists_show_published_entries_only(client, world):
    body = client.get(
        reverse("public_institutions:district-lists", args=["330102"])
    ).content.decode()
    assert "上城黑心培训" in body and "卷钱跑路" in body
    body = client.get(
        reverse("public_institutions:district-lists", args=["330106"])
    ).content.decode()
    assert "西湖书画院" in body and "西湖未公布机构" not in body
    assert (
        client.get(reverse("public_institutions:district-lists", args=["3301"])).status_code == 404
    )
    index = client.get(reverse("public_institutions:list-index")).content.decode()
    assert "西湖区教育局" in index and "杭州市教育局" not in index


def test_lifted_entry_leaves_the_public_list(client, world):
    entry = world["rogue"].list_entries.get()
    list_entry_lift(actor=None, entry=entry, reason="已退费整改")
    body = client.get(
        reverse("public_institutions:district-lists", args=["330102"])
    ).content.decode()
    assert "上城黑心培训" not in body


def test_short_query_and_no_result(client, world):
    assert "请至少输入两个字" in client.get(SEARCH, {"q": "西"}).content.decode()
    assert "未查到该机构" in client.get(SEARCH, {"q": "不存在的名字"}).content.decode()


def test_black_listed_unlicensed_institution_found_by_survey_is_public(client, make_institution):
    i = make_institution(name="地下补习班")
    assert i.status == Institution.Status.PREPARING
    list_entry_add(actor=None, institution=i, kind="black", reason="无证无照办学", publish=True)
    body = client.get(SEARCH, {"q": "地下补习"}).content.decode()
    assert "地下补习班" in body and "黑名单" in body


def test_an_institution_in_preparation_is_absent_from_both_public_searches(client, world):
    """One public registry rule (institutions.selectors.institution_public_queryset) for the
    registry lookup and the tip-off form's search-as-you-type (issue 8 item 4)."""
    assert world["applying"].status == Institution.Status.PREPARING
    registry = client.get(SEARCH, {"q": "西湖"}).content.decode()
    assert "西湖书画院" in registry and "西湖筹设机构" not in registry
    tip_off = client.get(reverse("public_complaints:institution-search"), {"q": "西湖"}).json()
    names = {row["name"] for row in tip_off["results"]}
    assert "西湖书画院" in names and "西湖筹设机构" not in names
    html = client.get(
        reverse("public_complaints:institution-search"),
        {"institution_name": "筹设"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "西湖筹设机构" not in html
