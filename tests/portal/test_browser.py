"""In a real browser at 390×844: a district officer invites an institution's contact; on their
phone the contact opens the link, is refused a weak password, sets their own, signs in at the
one login page, lands on the portal, sees the record with its warning, opens a rectification
notice and sends evidence, files a course (refused for a 20:45 session, then fixed); the
officer accepts it and the public lookup shows it with its price; no page scrolls sideways."""

import pytest
from playwright.sync_api import expect

from courses.models import Course
from inspections.models import RectificationNotice
from institutions.models import Institution
from tests.conftest import PASSWORD, browser_login
from tests.courses.conftest import make_school
from tests.portal import records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_invite_set_password_sign_in_and_answer_a_notice(browser, live_server, tree):
    institution = make_school(tree.a, name="西湖书法学校")
    Institution.objects.filter(pk=institution.pk).update(address="文三路1号")
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
    expect(phone.locator(".invalid-feedback").first).to_be_visible()
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

    with phone.expect_navigation():
        phone.click("[data-testid=nav-notices]")
    _fits(phone)
    assert "9号" in phone.content() and "10号" not in phone.content()
    with phone.expect_navigation():
        phone.click("text=西教整改〔2026〕9号")
    _fits(phone)
    phone.fill("textarea[name=evidence]", "已更换灭火器,发票已上传至教育局邮箱")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("[data-testid=notice-evidence]")
    assert "整改材料已提交教育局" in phone.content()
    notice.refresh_from_db()
    assert notice.status == RectificationNotice.Status.SUBMITTED

    # A course with a 20:45 offline session: refused, naming the session; fixed; filed.
    with phone.expect_navigation():
        phone.click("[data-testid=nav-courses]")
    with phone.expect_navigation():
        phone.click("[data-testid=course-create]")
    _fits(phone)
    phone.fill("input[name=name]", "五年级数学提高班")
    phone.select_option("select[name=subject]", "maths")
    phone.check("input[name=grades][value='5']")
    phone.select_option("select[name=delivery]", "offline")
    phone.select_option("select[name=site]", index=1)
    phone.fill("input[name=class_hours]", "20")
    phone.fill("input[name=lesson_minutes]", "45")
    phone.fill("input[name=price_per_hour]", "80")
    phone.get_by_label("王老师").check()  # qualified (李老师 is not: a refusal of its own)
    phone.fill("textarea[name=sessions]", "2026-12-02 19:00-20:45")
    phone.click("main form button[type=submit]")
    refusal = phone.inner_text("[data-testid=course-refusal]")
    assert "2026-12-02" in refusal and "20:45" in refusal and "20:30" in refusal
    _fits(phone)
    assert not Course.objects.exists()
    phone.fill("textarea[name=sessions]", "2026-12-02 19:00-20:30")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("[data-testid=course-status]")
    assert "五年级数学提高班" in phone.inner_text("[data-testid=course-name]")
    assert "¥80.00" in phone.inner_text("[data-testid=course-price]")
    _fits(phone)
    course = Course.objects.get()
    assert course.institution_id == institution.pk and course.status == Course.Status.SUBMITTED

    # The staff side stays shut to the institution account.
    response = phone.goto(f"{live_server.url}/institutions/")
    assert response.status == 403
    context.close()

    # The officer accepts the filing; the public lookup shows the course with its price.
    office = browser.new_context(locale="zh-CN")
    desk = office.new_page()
    desk.base_url = live_server.url
    browser_login(desk, "a_officer")
    desk.goto(f"{live_server.url}/courses/{course.pk}/")
    desk.click("text=备案通过")
    desk.click("main form button[type=submit]")
    desk.wait_for_url(f"**/courses/{course.pk}/")
    course.refresh_from_db()
    assert course.status == Course.Status.ACCEPTED
    office.close()
    visitor = browser.new_context(**PHONE).new_page()
    visitor.goto(f"{live_server.url}/public/institutions/{institution.pk}/")
    _fits(visitor)
    listed = visitor.inner_text("[data-testid=public-courses]")
    assert "五年级数学提高班" in listed and "¥80.00" in listed
