"""The lists and the pages opened in the field, in a real browser (issue 9 items 3, 4, 8):
- every public page and the inspector's and officer's field pages fit a 390 px phone (no
  sideways scrolling: the document is no wider than the screen);
- axe-core (npm, served from static/vendor/axe) finds no serious or critical violation on the
  main pages of each role (institution accounts included), the navigation and its open menu
  included;
- the registry shows warnings in the row and highlights expired licences;
- saved filters are saved, re-applied and deleted from the list's menu; the bulk assign picks
  its handler by typing;
- the supervision-order list shows its status column at 1366 px;
- a city supervisor filters the tip-offs by district and groups the registry by district.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint, SupervisionOrder
from inspections.models import Inspection
from institutions.models import Credential, Institution
from tests.complaints.records import make_complaint
from tests.conftest import browser_login
from tests.records import make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def records(tree):
    """A district's worth of the records the field pages show, with long names and codes."""
    from bureaus.context import acting, system_actor

    with acting(system_actor("tests")):
        institution = Institution.objects.create(
            bureau=tree.a,
            name="杭州市西湖区启明星文化艺术培训学校有限公司（文三路校区）",
            category="arts",
            address="杭州市西湖区文三路100号华星科技大厦三楼301至318室",
            status="normal",
        )
        Credential.objects.create(
            bureau=tree.a,
            institution=institution,
            kind=Credential.Kind.SCHOOL_LICENCE,
            number="教民133010670000123号",
            expires_on=timezone.localdate() - dt.timedelta(days=3),
        )
        complaints_a = [
            make_complaint(tree.a, f"西湖区某学科类培训机构在小区会所违规开班{n}") for n in range(3)
        ]
        complaint_b = make_complaint(tree.b, "上城区某机构超前超标培训")
    visit = make_record(Inspection, tree.a, "西湖区巡查对象：某某艺术培训中心（长名称测试用）")
    order = make_record(SupervisionOrder, tree.a, "关于西湖区某机构违规开展学科类培训的督办")
    return {
        "institution": institution,
        "complaint": complaints_a[0],
        "complaint_b": complaint_b,
        "visit": visit,
        "order": order,
    }


def _context(browser, live_server, username=None, **options):
    context = browser.new_context(**(options or PHONE))
    page = context.new_page()
    page.base_url = live_server.url
    if username:
        browser_login(page, username)
    return context, page


def _width(page, path) -> int:
    response = page.goto(f"{page.base_url}{path}")
    assert response.status == 200, (path, response.status)
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth")


def _axe(page) -> list[str]:
    """Serious and critical axe-core violations of the whole page (navigation included), as
    readable lines."""
    # By its address (served like any static file): the pages' CSP allows no inline script.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url=f"{page.base_url}{settings.STATIC_URL}vendor/axe/axe.min.js")
    found = page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ["violations"]});
             return r.violations
               .filter(v => v.impact === "serious" || v.impact === "critical")
               .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3)
                 .map(n => n.target.join(" ")).join(" | "));
           }"""
    )
    return found


@pytest.fixture
def portal_account(tree, records):
    """An institution account of the district's institution (the portal's pages)."""
    from bureaus.context import acting, system_actor
    from tests.portal.records import account

    with acting(system_actor("tests")):
        return account(records["institution"], username="inst_account")


def test_public_pages_fit_a_phone(browser, live_server, tree, records):
    context, page = _context(browser, live_server)
    pk = records["institution"].pk
    paths = [
        "/public/institutions/",
        "/public/institutions/?q=启明星",
        f"/public/institutions/{pk}/",
        "/public/lists/",
        f"/public/lists/{tree.a.code}/",
        "/public/tip-offs/new/",
        "/public/tip-offs/track/",
        "/public/random-inspections/",
        "/public/documents/verify/",
    ]
    widths = {path: _width(page, path) for path in paths}
    context.close()
    assert {p: w for p, w in widths.items() if w > 390} == {}, widths


def test_field_pages_fit_a_phone(browser, live_server, tree, records, portal_account):
    staff = {
        "a_officer": [
            "/institutions/",
            f"/institutions/{records['institution'].pk}/",
            "/complaints/",
            f"/complaints/{records['complaint'].pk}/",
            "/complaints/supervision/",
        ],
        "a_inspector": [
            "/institutions/",
            "/inspections/",
            f"/inspections/visits/{records['visit'].pk}/",
        ],
        # The other apps' pages an officer opens away from the desk.
        "a_officer ": ["/funds/", "/courses/", "/reports/", "/documents/"],
        "inst_account": ["/portal/"],
    }
    too_wide = {}
    for username, paths in staff.items():
        context, page = _context(browser, live_server, username.strip())
        for path in paths:
            width = _width(page, path)
            if width > 390:
                too_wide[(username, path)] = width
        context.close()
    assert too_wide == {}


def test_no_serious_accessibility_violation_on_the_main_pages(
    browser, live_server, tree, records, portal_account
):
    pages = {
        None: [
            "/public/institutions/",
            f"/public/institutions/{records['institution'].pk}/",
            "/public/lists/",
            "/public/tip-offs/new/",
            "/public/tip-offs/track/",
        ],
        "a_officer": [
            "/",
            "/institutions/",
            f"/institutions/{records['institution'].pk}/",
            "/complaints/",
            f"/complaints/{records['complaint'].pk}/",
            "/funds/",
            "/courses/",
            "/reports/",
            "/documents/",
        ],
        "a_inspector": ["/", "/inspections/", f"/inspections/visits/{records['visit'].pk}/"],
        "city_supervisor": ["/", "/institutions/", "/complaints/", "/complaints/supervision/"],
        "a_admin": ["/bureaus/memberships/"],
        "a_auditor": ["/bureaus/audit/"],
        "inst_account": ["/portal/"],
    }
    found = {}
    for username, paths in pages.items():
        desktop = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
        context, page = _context(browser, live_server, username, **desktop)
        for path in paths:
            response = page.goto(f"{page.base_url}{path}")
            assert response.status == 200, (username, path, response.status)
            page.wait_for_load_state()
            if problems := _axe(page):
                found[(username, path)] = problems
        # The navigation's menus open: what they hold is checked too.
        if username and page.locator("nav details.nav-menu summary").count():
            page.locator("nav details.nav-menu summary").first.click()
            if problems := _axe(page):
                found[(username, "menu open")] = problems
        context.close()
    assert found == {}


def test_supervision_order_status_is_visible_at_1366(browser, live_server, tree, records):
    desktop = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
    context, page = _context(browser, live_server, "city_supervisor", **desktop)
    page.goto(f"{page.base_url}/complaints/supervision/")
    header = page.locator("table thead th", has_text="状态")
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    context.close()


def test_city_supervisor_filters_tip_offs_by_district(browser, live_server, tree, records):
    context, page = _context(browser, live_server, "city_supervisor", **DESKTOP)
    page.goto(f"{page.base_url}/complaints/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 4
    page.select_option("#id_district", label=tree.b.name)
    page.locator("form[data-testid=filters] button[type=submit]").click()
    page.wait_for_load_state()
    assert rows.count() == 1
    assert records["complaint_b"].tracking_code in rows.first.inner_text()
    assert page.locator("#id_district option:checked").inner_text() == tree.b.name

    # Grouped by district, the registry lists each district under its name.
    page.goto(f"{page.base_url}/institutions/?group=district")
    assert page.locator("tr.table-group").first.inner_text().strip() == tree.a.name
    # An expired licence is marked in the row itself.
    expired = page.locator("tr.licence-expired")
    assert expired.count() == 1 and "已过期" in expired.inner_text()
    context.close()


def test_officer_accepts_tip_offs_in_bulk_on_the_page(browser, live_server, tree, records):
    context, page = _context(browser, live_server, "a_officer", **DESKTOP)
    page.goto(f"{page.base_url}/complaints/")
    page.locator("[data-select-all]").check()
    page.locator("button[name=action][value=accept]").click()
    page.wait_for_load_state()
    assert Complaint.objects.filter(bureau=tree.a, status="accepted").count() == 3
    assert page.locator(".alert-success").count() == 3
    context.close()


def test_officer_picks_an_institution_by_typing(browser, live_server, tree, records):
    complaint = records["complaint"]
    Complaint.objects.filter(pk=complaint.pk).update(status="accepted")
    institution = records["institution"]
    context, page = _context(browser, live_server, "a_officer")  # on a phone
    page.goto(f"{page.base_url}/complaints/{complaint.pk}/link/")
    suggestion = f"{institution.name}（{tree.a.name}）"
    page.locator("input[data-picker]").fill(suggestion)
    expect(page.locator("[data-picker-value]")).to_have_value(str(institution.pk))
    assert page.locator("datalist option").first.get_attribute("value") == suggestion
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.institution_id == institution.pk
    context.close()


def test_registry_rows_show_warnings_and_expired_licences(browser, live_server, tree, records):
    """Issue 9 item 3: a warning reads in the row itself (not only in a tooltip) and an
    expired licence is highlighted, on a desk and on a phone."""
    from django.utils import translation

    from institutions import rules

    institution = records["institution"]
    Institution.objects.filter(pk=institution.pk).update(warning_codes=["site_without_fire"])
    with translation.override("zh-hans"):
        warning = str(rules.labels(["site_without_fire"])[0])
    desktop = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
    for options in (desktop, PHONE):
        context, page = _context(browser, live_server, "a_officer", **options)
        page.goto(f"{page.base_url}/institutions/")
        row = page.locator("table tbody tr", has_text=institution.name)
        expect(row).to_have_class("licence-expired")
        expect(row.locator(".badge", has_text="已过期")).to_be_visible()
        badge = row.locator(".row-warnings .warning-badge", has_text=warning)
        expect(badge).to_be_visible()
        box = badge.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= options["viewport"]["width"]
        # The highlight is drawn: the row's cells take the danger tint (Bootstrap paints a
        # table cell's tint as an inset shadow), the first with a red bar.
        tint = row.locator("td").nth(1).evaluate("c => getComputedStyle(c).boxShadow")
        assert "rgb(248, 215, 218)" in tint, tint
        bar = row.locator("td").first.evaluate("c => getComputedStyle(c).boxShadow")
        assert "rgb(176, 42, 55)" in bar, bar
        context.close()


def test_officer_saves_and_reapplies_a_filter(browser, live_server, tree, records):
    context, page = _context(browser, live_server, "a_officer", **DESKTOP)
    page.goto(f"{page.base_url}/complaints/?q=会所违规开班1&sort=-due_on")
    menu = page.locator("[data-testid=saved-filters]")
    menu.locator("summary").click()
    menu.locator("input[name=name]").fill("会所开班")
    menu.locator("button[type=submit]", has_text="保存当前筛选").click()
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/complaints/")
    assert page.locator("table tbody tr").count() == 3
    menu = page.locator("[data-testid=saved-filters]")
    menu.locator("summary").click()
    menu.locator("a", has_text="会所开班").click()
    page.wait_for_load_state()
    assert page.locator("table tbody tr").count() == 1
    assert "sort=-due_on" in page.url
    menu = page.locator("[data-testid=saved-filters]")
    menu.locator("summary").click()
    menu.locator("button", has_text="删除").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=saved-filters] a", has_text="会所开班")).to_have_count(0)
    context.close()


def test_officer_assigns_in_bulk_picking_the_handler_by_typing(browser, live_server, tree, records):
    from complaints.models import Complaint as C

    C.objects.filter(pk=records["complaint"].pk).update(status=C.Status.ACCEPTED)
    context, page = _context(browser, live_server, "a_officer", **DESKTOP)
    page.goto(f"{page.base_url}/complaints/?status=accepted")
    page.locator("tbody input[name=id]").first.check()
    page.locator("#id_bulk_assignee").fill("a_officer（a_officer）")
    officer = tree.user("a", "officer")
    expect(page.locator("#bulk [data-picker-value]")).to_have_value(str(officer.pk))
    page.locator("#bulk button", has_text="分派").click()
    page.wait_for_load_state()
    assert C.objects.get(pk=records["complaint"].pk).assignee_id == officer.pk
    context.close()
