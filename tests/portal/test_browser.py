"""In a real browser at 390×844: a district officer invites an institution's contact; on their
phone the contact opens the link, is refused a weak password, sets their own, signs in at the
one login page, lands on the portal, sees the record with its warning, opens a rectification
notice and sends evidence; the page never scrolls sideways."""

import pytest

from inspections.models import RectificationNotice
from institutions.models import Institution
from tests.conftest import PASSWORD, browser_login
from tests.portal import records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_invite_set_password_sign_in_and_answer_a_notice(browser, live_server, tree):
    institution = records.institution(tree.a, "西湖书法学校", address="文三路1号")
    Institution.objects.filter(pk=institution.pk).update(warning_codes=["unapproved_site"])
    notice = records.notice(institution, "西教整改〔2026〕9号")
    records.notice(records.institution(tree.a, "西湖舞蹈学校"), "西教整改〔2026〕10号")

    office = browser.new_context(locale="zh-CN")
    desk = office.new_page()
    desk.base_url = live_server.url
    browser_login(desk, "a_officer")
    desk.goto(f"{live_server.url}/portal-invitations/new/")
    desk.select_option("select[name=institution]", str(institution.pk))
    desk.fill("input[name=contact_name]", "王老师")
    desk.click("main form button[type=submit]")
    link = desk.get_attribute("[data-testid=invitation-link]", "value")
    assert "/public/portal/invitations/" in link
    office.close()

    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.base_url = live_server.url
    phone.goto(link)
    _fits(phone)
    assert "西湖书法学校" in phone.content()
    phone.fill("input[name=username]", "xhsf")
    phone.fill("input[name=password]", "abc")
    phone.fill("input[name=password_again]", "abc")
    phone.click("main form button[type=submit]")
    assert phone.locator(".invalid-feedback").count() >= 1
    phone.fill("input[name=password]", PASSWORD)
    phone.fill("input[name=password_again]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/accounts/login/**")
    assert "账号已创建" in phone.content()

    browser_login(phone, "xhsf")
    assert phone.url.rstrip("/").endswith("/portal")
    _fits(phone)
    home = phone.content()
    assert "西湖书法学校" in phone.inner_text("[data-testid=portal-institution]")
    assert "文三路1号" in home and "机构端" in home
    assert phone.locator("[data-testid=portal-warnings] li").count() == 1

    phone.click("text=整改通知书")
    _fits(phone)
    assert "9号" in phone.content() and "10号" not in phone.content()
    phone.click("text=西教整改〔2026〕9号")
    _fits(phone)
    phone.fill("textarea[name=evidence]", "已更换灭火器,发票已上传至教育局邮箱")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("[data-testid=notice-evidence]")
    assert "整改材料已提交教育局" in phone.content()
    notice.refresh_from_db()
    assert notice.status == RectificationNotice.Status.SUBMITTED

    # The staff side stays shut to the institution account.
    response = phone.goto(f"{live_server.url}/institutions/")
    assert response.status == 403
    context.close()
