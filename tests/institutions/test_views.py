"""Staff pages: list filters and export, detail with warnings and timeline, forms with Chinese
field errors, the actions, query counts."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bureaus.models import Street
from institutions.models import Institution, ListEntry, Staff
from institutions.services.lists import list_entry_add
from institutions.services.registry import institution_refresh_warnings
from institutions.services.sites import site_add
from institutions.services.staff import staff_add
from tests.institutions.conftest import valid_code, wrong_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, tree):
    client.force_login(tree.user("a", "officer"))
    return client


def test_list_reads_in_chinese_and_filters(officer_client, make_institution):
    make_institution(name="西湖书画院")
    make_institution(name="黑名单机构")
    list_entry_add(
        actor=None,
        institution=Institution.objects.get(name="黑名单机构"),
        kind="black",
        reason="无证办学",
    )
    url = reverse("institutions:institution-list")
    body = officer_client.get(url).content.decode()
    assert "培训机构" in body and "筛选" in body and "西湖书画院" in body
    body = officer_client.get(url, {"list": "black"}).content.decode()
    assert "黑名单机构" in body and "西湖书画院" not in body
    body = officer_client.get(url, {"q": "xhsh"}).content.decode()
    assert "西湖书画院" in body and "黑名单机构" not in body


def test_export_follows_the_filter_and_the_district(officer_client, make_institution, tree):
    make_institution(name="甲区一号", category="sports")
    make_institution(name="甲区二号", category="arts")
    make_institution(name="乙区机构", category="sports", bureau=tree.b)
    response = officer_client.get(
        reverse("institutions:institution-export"), {"category": "sports"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][0] == "机构名称"
    assert [r[0] for r in rows[1:]] == ["甲区一号"]
    assert "联系电话" not in rows[0]


def test_create_form_shows_chinese_field_errors(officer_client):
    url = reverse("institutions:institution-create")
    response = officer_client.post(url, {"name": "", "credit_code": wrong_code(3)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in body or "该字段是必填项" in body
    assert "校验位不正确" in body
    response = officer_client.post(
        url,
        {
            "name": "求是学堂",
            "category": "academic",
            "profit": "for_profit",
            "organization_form": "company",
            "delivery": "offline",
            "credit_code": valid_code(3),
        },
    )
    assert "学科类培训机构必须登记为非营利性机构" in response.content.decode()
    assert not Institution.objects.exists()


def test_create_and_edit(officer_client, tree, as_system):
    street = Street.objects.create(bureau=tree.a, name="北山街道")
    response = officer_client.post(
        reverse("institutions:institution-create"),
        {
            "name": "北山围棋",
            "category": "arts",
            "organization_form": "company",
            "profit": "for_profit",
            "delivery": "offline",
            "credit_code": valid_code(4),
            "street": street.pk,
            "contact_phone": "13900001111",
        },
    )
    i = Institution.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{i.pk}/")
    assert i.bureau == tree.a and i.department == "culture"
    response = officer_client.post(
        reverse("institutions:institution-update", args=[i.pk]),
        {
            "name": "北山围棋学校",
            "category": "arts",
            "organization_form": "company",
            "profit": "for_profit",
            "delivery": "offline",
            "credit_code": valid_code(4),
            "department": "culture",
        },
    )
    assert response.status_code == 302
    i.refresh_from_db()
    assert i.name == "北山围棋学校" and i.name_initials == "bswqxx"


def test_detail_shows_warnings_masked_staff_and_timeline(officer_client, make_institution):
    i = make_institution(status="normal", contact_phone="13812345678")
    Staff.objects.create(
        bureau=i.bureau, institution=i, name="王小明", id_number="11010519491231002X"
    )
    list_entry_add(actor=None, institution=i, kind="black", reason="虚假宣传", publish=True)
    institution_refresh_warnings(institution=i)
    body = officer_client.get(reverse("institutions:institution-detail", args=[i.pk])).content
    body = body.decode()
    assert "无有效办学许可证仍在办学" in body
    assert "1101**********002X" in body and "11010519491231002X" not in body
    assert "138****5678" in body and "13812345678" not in body
    assert "列入黑名单" in body and "虚假宣传" in body


def test_status_page_offers_only_allowed_transitions_and_refuses_in_chinese(
    officer_client, make_institution
):
    i = make_institution()
    url = reverse("institutions:institution-status", args=[i.pk])
    body = officer_client.get(url).content.decode()
    assert 'value="normal"' in body and 'value="suspended"' not in body
    response = officer_client.post(
        url, {"to_status": "normal", "reason": "开业", "decided_on": "2026-01-01"}
    )
    assert "正常办学须持有有效的办学许可证" in response.content.decode()
    response = officer_client.post(
        url, {"to_status": "banned", "reason": "无证办学", "decided_on": "2026-01-01"}
    )
    assert response.status_code == 302
    i.refresh_from_db()
    assert i.status == "banned"
    assert (
        "变更状态"
        not in officer_client.get(
            reverse("institutions:institution-detail", args=[i.pk])
        ).content.decode()
    )


def test_list_entry_pages(officer_client, make_institution):
    i = make_institution()
    url = reverse("institutions:listentry-create", args=[i.pk])
    response = officer_client.post(url, {"kind": "black", "reason": "", "decided_on": "2026-01-01"})
    assert "列入黑名单必须填写原因" in response.content.decode()
    officer_client.post(url, {"kind": "black", "reason": "无证办学", "decided_on": "2026-01-01"})
    entry = ListEntry.objects.get()
    response = officer_client.post(url, {"kind": "white", "decided_on": "2026-01-01"})
    assert "已列入黑名单的机构不能列入白名单" in response.content.decode()
    officer_client.post(reverse("institutions:listentry-publish", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.published_on
    response = officer_client.post(
        reverse("institutions:listentry-lift", args=[entry.pk]), {"lift_reason": ""}
    )
    assert "这个字段是必填项" in response.content.decode() or "该字段是必填项" in (
        response.content.decode()
    )
    officer_client.post(
        reverse("institutions:listentry-lift", args=[entry.pk]), {"lift_reason": "整改完毕"}
    )
    entry.refresh_from_db()
    assert entry.lifted_on


def test_credential_site_staff_review_pages(officer_client, make_institution):
    i = make_institution(category="academic", profit="non_profit")
    ok = officer_client.post(
        reverse("institutions:credential-create", args=[i.pk]),
        {
            "kind": "school_licence",
            "number": "教民1号",
            "issued_on": "2024-01-01",
            "expires_on": "2027-01-01",
        },
    )
    assert ok.status_code == 302
    response = officer_client.post(
        reverse("institutions:staff-create", args=[i.pk]),
        {"name": "周老师", "is_teaching": "on", "subjects": "数学"},
    )
    assert "从事学科类培训的人员必须具备相应教师资格" in response.content.decode()
    officer_client.post(
        reverse("institutions:site-create", args=[i.pk]),
        {"address": "教工路1号", "fire_safety": "acceptance", "approved": "on"},
    )
    officer_client.post(
        reverse("institutions:review-create", args=[i.pk]), {"year": 2025, "result": "basic"}
    )
    assert i.credentials.count() == 1 and i.sites.count() == 1
    assert i.annual_reviews.get().result == "basic" and not i.staff.exists()


def test_inspector_reads_but_cannot_act(client, tree, make_institution):
    i = make_institution()
    client.force_login(tree.user("a", "inspector"))
    assert client.get(reverse("institutions:institution-detail", args=[i.pk])).status_code == 200
    assert client.get(reverse("institutions:institution-status", args=[i.pk])).status_code == 403
    assert client.get(reverse("institutions:importjob-create")).status_code == 403


@pytest.mark.parametrize(
    ("name", "queries"),
    # The registry: one query of them is the user's saved filters of the list (core.tables).
    [("institutions:institution-list", 7), ("institutions:listentry-list", 5)],
)
def test_page_query_counts_are_pinned(
    officer_client, make_institution, django_assert_num_queries, name, queries
):
    for _n in range(30):
        i = make_institution()
        list_entry_add(actor=None, institution=i, kind="black", reason="无证")
    with django_assert_num_queries(queries):
        assert officer_client.get(reverse(name)).status_code == 200


def test_list_filters_read_their_street_options_in_one_plain_query(officer_client, tree):
    """The street select's options: one SELECT, not a server-side cursor (DECLARE, FETCH,
    CLOSE: three round trips; issue 11), and still the district's own streets only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bureaus.models import Street

    Street.objects.create(bureau=tree.a, name="文新街道")
    Street.objects.create(bureau=tree.b, name="他区街道")
    with CaptureQueriesContext(connection) as captured:
        body = officer_client.get(reverse("institutions:institution-list")).content.decode()
    streets = [q["sql"] for q in captured.captured_queries if "bureaus_street" in q["sql"]]
    assert len(streets) == 1 and streets[0].startswith("SELECT")
    assert "文新街道" in body and "他区街道" not in body


def test_list_filter_fields_follow_the_streets_and_keep_no_search(officer_client, tree):
    """The filter fields' markup is kept per language, chosen values and street options
    (institutions.views.registry.filter_fields): a street added or renamed shows on the next
    view, and neither a typed search nor a form with an error is kept."""
    from institutions.views import registry

    url = reverse("institutions:institution-list")
    street = Street.objects.create(bureau=tree.a, name="文新街道")
    assert "文新街道" in officer_client.get(url).content.decode()
    Street.objects.create(bureau=tree.a, name="翠苑街道")
    Street.objects.filter(pk=street.pk).update(name="古荡街道")
    body = officer_client.get(url).content.decode()
    assert "翠苑街道" in body and "古荡街道" in body and "文新街道" not in body
    chosen = officer_client.get(url, {"street": street.pk, "status": "normal"}).content.decode()
    assert f'<option value="{street.pk}" selected>古荡街道</option>' in chosen
    kept = len(registry._FILTER_FIELDS)
    body = officer_client.get(url, {"q": "张三家长"}).content.decode()
    assert 'value="张三家长"' in body
    bad = officer_client.get(url, {"status": "bogus"}).content.decode()
    assert "is-invalid" in bad
    assert len(registry._FILTER_FIELDS) == kept
    assert not any("张三家长" in html for html in registry._FILTER_FIELDS.values())


def test_staff_and_site_can_be_corrected_and_warnings_follow(officer_client, make_institution):
    i = make_institution(category="arts")
    staff = staff_add(actor=None, institution=i, name="赵老师", id_number="11010519491231002X")
    Staff.objects.filter(pk=staff.pk).update(is_in_service_teacher=True)  # found by inspection
    site = site_add(actor=None, institution=i, address="学院路9号", fire_safety="none")
    i.refresh_from_db()
    assert {"site_without_fire", "unapproved_site"} <= set(
        institution_refresh_warnings(institution=i)
    )
    edit = reverse("institutions:staff-update", args=[staff.pk])
    body = officer_client.get(edit).content.decode()
    assert "11010519491231002X" not in body and "1101**********002X" in body
    response = officer_client.post(edit, {"name": "赵老师", "is_in_service_teacher": "on"})
    assert "不得聘用中小学在职教师" in response.content.decode()
    officer_client.post(reverse("institutions:staff-remove", args=[staff.pk]))
    assert not Staff.objects.filter(pk=staff.pk).exists()
    officer_client.post(
        reverse("institutions:site-update", args=[site.pk]),
        {"address": "学院路9号", "approved": "on", "fire_safety": "acceptance"},
    )
    i.refresh_from_db()
    assert i.warning_codes == []
    officer_client.post(reverse("institutions:site-remove", args=[site.pk]))
    assert not i.sites.exists()


def test_export_never_writes_a_formula(officer_client, make_institution, as_system):
    from openpyxl import load_workbook

    i = make_institution(name="正常名称")
    Institution.objects.filter(pk=i.pk).update(name='=HYPERLINK("http://evil.example","点我")')
    response = officer_client.get(reverse("institutions:institution-export"))
    cell = load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_audit_administrator_reads_a_record_through_the_audit_trail_only(
    client, tree, make_institution
):
    # 三权分立 (bureaus.permissions): the audit administrator reads the audit trail, not the
    # business records; the record's history is the trail filtered to it.
    i = make_institution()
    client.force_login(tree.user("a", "auditor"))
    assert client.get(reverse("institutions:institution-list")).status_code == 403
    detail = reverse("institutions:institution-detail", args=[i.pk])
    assert client.get(detail).status_code == 403
    trail = client.get(
        reverse("bureaus:auditevent-list"),
        {"model": "institutions.institution", "object_id": str(i.pk)},
    ).content.decode()
    assert i.name in trail and "system:tests" in trail
    client.force_login(tree.user("a", "officer"))
    assert "system:tests" not in client.get(detail).content.decode()


def test_a_stored_control_character_does_not_break_the_export(
    officer_client, make_institution, as_system
):
    # Issue 10: "one control character saved through the API in an address breaks the whole
    # district's Excel export". Input now refuses it; a row stored earlier still exports.
    from openpyxl import load_workbook

    i = make_institution(name="控制字符机构")
    Institution.objects.filter(pk=i.pk).update(address="文三路\x01100号")
    response = officer_client.get(reverse("institutions:institution-export"))
    assert response.status_code == 200
    values = [c.value for c in load_workbook(io.BytesIO(response.content)).active[2]]
    assert "文三路100号" in values
