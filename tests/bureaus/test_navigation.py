"""The staff navigation: menus by work drawn from bureaus.menus and the permission table, the
breadcrumbs, the skip link, the favicon, the public entrance, and (in Chromium) one line at
1280 px for every role, collapsed on a phone, link contrast AA."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from bureaus import menus
from bureaus.permissions import membership_may
from tests.clients import page_client as login

pytestmark = pytest.mark.django_db

ROLES = [
    ("a", "admin"),
    ("a", "officer"),
    ("a", "inspector"),
    ("a", "auditor"),
    ("a", "security"),
    ("city", "supervisor"),
    ("province", "supervisor"),
]


def test_every_entry_names_a_menu_and_an_action_of_the_permission_table():
    from bureaus.permissions import ACTIONS

    entries = list(menus.all_entries())
    assert {e.menu for e in entries} >= {"institutions", "inspections", "complaints", "funds"}
    for entry in entries:
        assert entry.action is None or entry.action in ACTIONS, entry
    with pytest.raises(ValueError):
        menus.MenuEntry("nowhere", "x", "home")


@pytest.mark.parametrize("key,role", ROLES)
def test_a_role_sees_only_the_entries_it_may_use_and_each_opens(tree, key, role):
    user = tree.user(key, role)
    membership = user.memberships.get()
    shown = {link["url"] for menu in menus.menus_for(membership) for link in menu.entries}
    for entry in menus.all_entries():
        allowed = entry.action is None or membership_may(membership, entry.action)
        assert (entry.url in shown) == allowed, (role, entry)
    client = login(user)
    for url in shown:
        assert client.get(url).status_code == 200, (role, url)
    body = client.get("/", follow=True).content.decode()
    for menu in menus.menus_for(membership):
        assert f'data-menu="{menu.key}"' in body
    assert body.count('<details class="nav-menu" data-menu=') == len(menus.menus_for(membership))


def test_menus_by_work_for_an_officer_a_security_admin_and_an_auditor(tree):
    def labels(key, role):
        membership = tree.user(key, role).memberships.get()
        return {
            m.key: [str(link["label"]) for link in m.entries] for m in menus.menus_for(membership)
        }

    officer = labels("a", "officer")
    assert list(officer) == [
        "institutions",
        "inspections",
        "complaints",
        "funds",
        "reports",
        "system",
    ]
    assert "举报" in officer["complaints"]
    assert not any("审计日志" in links for links in officer.values())
    security = labels("a", "security")
    # 三权分立: the security administrator runs accounts and roles, and reads no business data.
    assert set(security) == {"institutions", "system"}
    assert security["institutions"] == ["公众查询"]
    auditor = labels("a", "auditor")
    assert "审计日志" in auditor["system"]


def test_breadcrumbs_skip_link_and_current_menu(tree, django_assert_max_num_queries):
    client = login(tree.user("a", "officer"))
    with django_assert_max_num_queries(12):
        body = client.get("/complaints/").content.decode()
    assert '<a class="skip-link" href="#main">跳到正文</a>' in body
    assert '<main id="main"' in body
    crumbs = body.split('data-testid="breadcrumbs"')[1].split("</nav>")[0]
    assert "首页" in crumbs and "举报" in crumbs
    assert 'aria-current="true">举报</summary>' in body
    # The home page has no breadcrumbs of its own, and its queries stay pinned.
    with django_assert_max_num_queries(6):
        home = client.get("/").content.decode()
    assert 'data-testid="breadcrumbs"' not in home


def test_favicon_is_served(tree):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".ico")
    assert finders.find("favicon.ico")
    home = login(tree.user("a", "officer")).get("/", follow=True)
    assert 'rel="icon"' in home.content.decode()


def test_the_public_entrance(db, django_assert_max_num_queries):
    client = Client()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/public/"
    with django_assert_max_num_queries(0):
        response = client.get("/public/")
    body = response.content.decode()
    assert response.status_code == 200
    for href in (
        'action="/public/institutions/"',
        'href="/public/lists/"',
        'href="/public/tip-offs/new/"',
        'href="/public/tip-offs/track/"',
        'href="/accounts/login/"',
    ):
        assert href in body
    assert "校外培训机构查询" in body and "工作人员登录" in body


def test_staff_still_land_on_their_home(tree):
    """Officers and supervisors land on their dashboard (reports/), the others on the home."""
    response = login(tree.user("a", "officer")).get("/")
    assert response.status_code == 302 and response["Location"] == "/reports/"
    response = login(tree.user("a", "inspector")).get("/")
    assert response.status_code == 200
    assert 'data-testid="home-bureau"' in response.content.decode()


# ---- in Chromium -----------------------------------------------------------------------------

_NAV_GEOMETRY = """() => {
  const nav = document.querySelector('[data-testid=main-nav]');
  const items = [...nav.querySelectorAll('.navbar-brand, .navbar-nav > .nav-item')]
    .filter(e => e.offsetParent !== null);
  const tops = items.map(e => Math.round(e.getBoundingClientRect().top));
  const wrapped = [...nav.querySelectorAll('.nav-link, .navbar-brand')]
    .filter(e => e.offsetParent !== null)
    .filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 48);
  return {height: nav.getBoundingClientRect().height, tops, wrapped: wrapped.length,
          width: document.documentElement.scrollWidth};
}"""

_CONTRAST = """() => {
  const lum = c => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
    .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const bg = getComputedStyle(document.querySelector('.navbar')).backgroundColor;
  const nav = [...document.querySelectorAll('.navbar .nav-link, .navbar-brand')]
    .map(e => ratio(getComputedStyle(e).color, bg));
  const link = document.createElement('a');
  link.href = '#';
  document.querySelector('main').append(link);
  const body = ratio(getComputedStyle(link).color, getComputedStyle(document.body).backgroundColor);
  return {nav: Math.min(...nav), body};
}"""


def _sign_in(page, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.base_url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_navigation_is_one_line_at_1280_for_every_role_and_collapses_on_a_phone(page, tree):
    for key, role in ROLES:
        page.context.clear_cookies()
        _sign_in(page, tree.user(key, role))
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{page.base_url}/")
        geometry = page.evaluate(_NAV_GEOMETRY)
        assert len(set(geometry["tops"])) == 1, (role, geometry)
        assert geometry["wrapped"] == 0 and geometry["height"] < 70, (role, geometry)
        assert geometry["width"] <= 1280, (role, geometry)
        contrast = page.evaluate(_CONTRAST)
        assert contrast["nav"] >= 4.5 and contrast["body"] >= 4.5, (role, contrast)

        # A menu opens, and another opening closes it; Escape closes all.
        first = page.locator("details.nav-menu[data-menu] > summary").first
        first.click()
        assert page.locator("details.nav-menu[open] .dropdown-item").first.is_visible()
        page.keyboard.press("Escape")
        assert page.locator("details.nav-menu[open]").count() == 0

        # Between a laptop and a phone: one line, or collapsed behind the toggler; never wrapped.
        for width in (1100, 1000, 800):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{page.base_url}/")
            geometry = page.evaluate(_NAV_GEOMETRY)
            assert len(set(geometry["tops"])) == 1 or page.locator(".navbar-toggler").is_visible()
            assert geometry["height"] < 70 and geometry["width"] <= width, (role, width, geometry)

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{page.base_url}/")
        assert page.locator(".navbar-toggler").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, role
        page.locator(".navbar-toggler").click()
        page.locator("#nav.show").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, role

    # The skip link is the first thing a keyboard reaches.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{page.base_url}/complaints/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
