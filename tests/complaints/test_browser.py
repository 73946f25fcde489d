"""A new user in a real browser, phone-sized: a parent reports anonymously, follows the
tip-off, district staff triage, assign and conclude it, and the reply appears for the parent."""

import re

import pytest
from playwright.sync_api import expect

from bureaus.context import acting, system_actor
from institutions.models import Institution
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(**PHONE)
    p = context.new_page()
    p.base_url = live_server.url
    yield p
    context.close()


def _staff(browser, live_server, username):
    context = browser.new_context(**PHONE)
    p = context.new_page()
    p.base_url = live_server.url
    browser_login(p, username)
    return context, p


def test_anonymous_tip_off_to_public_reply_on_a_phone(phone, browser, live_server, tree):
    with acting(system_actor("tests")):
        # Operating: the public search shows no institution still in 筹设 (issue 8 item 4).
        Institution.objects.create(
            bureau=tree.a,
            name="启明星学科辅导中心",
            category="academic",
            address="文三路100号",
            status="normal",
        )

    # 1. A parent opens the form on a phone and picks the institution by typing.
    phone.goto(f"{phone.base_url}/public/tip-offs/new/")
    assert "举报校外培训机构" in phone.locator("h1").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    phone.locator("#id_institution_name").press_sequentially("启明", delay=50)
    phone.locator("[data-institution-id]").first.click()
    expect(phone.locator("#institution-picked")).to_contain_text("西湖区教育局")
    phone.select_option("#id_category", "academic")
    phone.fill("#id_description", "周末在小区会所开设初中数学培训班，每次两小时。")
    phone.locator("button[type=submit]", has_text="提交举报").click()
    phone.wait_for_load_state()
    code = phone.locator("[data-testid=tracking-code]").inner_text().strip()
    secret = phone.locator("[data-testid=secret]").inner_text().strip()
    assert re.fullmatch(r"JB[0-9A-Z]{10}", code) and len(secret) == 12

    # 2. The parent follows it: received, nothing else.
    phone.locator("a", has_text="查询本举报").click()
    phone.fill("#id_secret", secret)
    phone.locator("button[type=submit]", has_text="查询").click()
    assert phone.locator("[data-testid=public-status]").inner_text() == "已收到，等待审核"

    # 3. The district administrator accepts and assigns it; the officer investigates and
    #    concludes with a public reply.
    context, admin = _staff(browser, live_server, "a_admin")
    admin.goto(f"{admin.base_url}/complaints/?status=received")
    admin.locator("a", has_text=code).click()
    admin.locator("[data-testid=actions] button", has_text="受理").click()
    expect(admin.locator("[data-testid=status]")).to_contain_text("已受理")
    admin.locator("[data-testid=actions] a", has_text="分派承办人").click()
    # The handler is picked by typing (core.widgets.UserPicker): name（user name）.
    admin.locator("#id_assignee").fill("a_officer（a_officer）")
    expect(admin.locator("[data-picker-value]")).to_have_value(str(tree.user("a", "officer").pk))
    with admin.expect_navigation():
        admin.locator("form button[type=submit]", has_text="分派承办人").click()
    assert "a_officer" in admin.locator("body").inner_text()
    context.close()

    context, officer = _staff(browser, live_server, "a_officer")
    officer.goto(f"{officer.base_url}/complaints/?q={code}")
    officer.locator("a", has_text=code).click()
    officer.locator("[data-testid=actions] a", has_text="调查记录").click()
    officer.fill("#id_note", "现场检查发现初中学生18名，正在上数学课。")
    officer.locator("form button[type=submit]", has_text="调查记录").click()
    officer.locator("[data-testid=actions] a", has_text="办结").click()
    officer.locator("input[name=outcome][value=substantiated]").check()
    officer.fill("#id_public_reply", "经核查，举报属实。已责令该机构停止学科类培训并退还费用。")
    officer.locator("form button[type=submit]", has_text="办结").click()
    expect(officer.locator("[data-testid=status]")).to_contain_text("已办结")
    timeline = officer.locator("[data-testid=timeline]").inner_text()
    for step in ("已收到", "已受理", "已分派", "调查记录", "已办结"):
        assert step in timeline
    context.close()

    # 4. The reply appears on the parent's tracking page.
    phone.goto(f"{phone.base_url}/public/tip-offs/track/?code={code}")
    phone.fill("#id_secret", secret)
    phone.locator("button[type=submit]", has_text="查询").click()
    assert phone.locator("[data-testid=public-status]").inner_text() == "已答复"
    assert "已责令该机构停止学科类培训" in phone.locator("[data-testid=public-reply]").inner_text()
    assert "现场检查" not in phone.locator("body").inner_text()

    # A wrong secret shows nothing.
    phone.goto(f"{phone.base_url}/public/tip-offs/track/?code={code}")
    phone.fill("#id_secret", "AAAAAAAAAAAA")
    phone.locator("button[type=submit]", has_text="查询").click()
    expect(phone.locator("[data-testid=not-found]")).to_be_visible()
    assert phone.locator("[data-testid=result]").count() == 0
