"""A new user in a real browser: the demo district officer logs in and sees their district."""

import pytest

from tests.conftest import PASSWORD, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_sees_their_district(page, tree):
    page.goto(f"{page.base_url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    browser_login(page, "a_officer", "wrong-password")
    assert "用户名或密码不正确" in page.content()

    browser_login(page, "a_officer", PASSWORD)
    body = page.locator("body").inner_text()
    assert "西湖区教育局" in body
    assert "科员" in body
    assert "上城区教育局" not in body
    # Static assets are served locally (no CDN): the stylesheet loaded and applied.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    stylesheet = page.evaluate(
        "[...document.styleSheets].map(s => s.href).find(h => h && h.includes('bootstrap'))"
    )
    assert stylesheet.startswith(page.base_url)
