"""In a real browser at 390×844: an inspector files a visit with a photo, the connection drops
mid-visit, two more answers are given, the connection returns and every answer arrives once;
the officer issues a notice; after the deadline the job marks it overdue; evidence is recorded
and the notice verified closed."""

import datetime as dt

import pytest

from inspections.models import Finding, FindingPhoto, RectificationNotice
from inspections.tasks import notices_chase
from tests.conftest import browser_login
from tests.inspections.conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True}


def _context(browser, live_server, username):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.base_url = live_server.url
    browser_login(page, username)
    return context, page


def _answer(form, label):
    form.locator("label", has_text=label).click()
    form.locator("button[type=submit]").click()


def test_visit_offline_then_notice_chased_to_closed(browser, live_server, tree, visit, tmp_path):
    items = list(visit.share.campaign.items.all())
    context, phone = _context(browser, live_server, "a_inspector")
    phone.goto(f"{phone.base_url}/inspections/visits/{visit.pk}/answer/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    photo_input = phone.locator(f'form[data-item="{items[0].pk}"] input[name=photo]')
    assert photo_input.get_attribute("capture") == "environment"

    # Online: the first answer, a violation with a photo.
    first = phone.locator(f'form[data-item="{items[0].pk}"]')
    photo_path = tmp_path / "scene.jpg"
    photo_path.write_bytes(jpeg((320, 240)))
    photo_input.set_input_files(str(photo_path))
    first.locator("textarea[name=note]").fill("未公示收费标准")
    _answer(first, "违规")
    phone.wait_for_selector(f'form[data-item="{items[0].pk}"][data-saved=yes]')
    assert Finding.objects.filter(inspection=visit).count() == 1
    assert FindingPhoto.objects.count() == 1

    # The connection drops: two more answers wait on the phone.
    context.set_offline(True)
    for item in items[1:3]:
        _answer(phone.locator(f'form[data-item="{item.pk}"]'), "符合")
    phone.wait_for_selector("#sync-status[data-pending-count='2']", state="attached")
    assert "离线" in phone.locator("#sync-status").inner_text()
    assert Finding.objects.filter(inspection=visit).count() == 1

    # It returns: both arrive, once each.
    context.set_offline(False)
    for item in items[1:3]:
        phone.wait_for_selector(f'form[data-item="{item.pk}"][data-saved=yes]')
    phone.wait_for_selector("#sync-status[data-pending-count='0']", state="attached")
    assert Finding.objects.filter(inspection=visit).count() == 3
    assert list(
        Finding.objects.filter(inspection=visit)
        .order_by("item__position")
        .values_list("result", flat=True)
    ) == ["violation", "ok", "ok"]
    context.close()

    # The officer issues a notice from the violation.
    context, office = _context(browser, live_server, "a_officer")
    office.goto(f"{office.base_url}/inspections/visits/{visit.pk}/notice/")
    office.locator("input[name=findings]").first.check()
    office.fill("textarea[name=requirements]", "三日内公示收费标准并报送整改材料。")
    office.fill("input[name=working_days]", "5")
    office.locator("main form button[type=submit]").click()
    office.wait_for_load_state()
    notice = RectificationNotice.objects.get()
    assert notice.status == "issued" and "整改" in notice.number

    # After the deadline the job marks it overdue.
    overdue_day = notice.due_on + dt.timedelta(days=1)
    assert notices_chase(today=overdue_day.isoformat())["marked"] == 1
    office.goto(f"{office.base_url}/inspections/notices/{notice.pk}/")
    assert "逾期" in office.locator("main").inner_text()
    assert notice.number in office.locator("h1").inner_text()

    # Evidence, then verified closed.
    office.goto(f"{office.base_url}/inspections/notices/{notice.pk}/submit/")
    office.fill("textarea[name=evidence]", "已在前台公示收费标准，附照片。")
    office.locator("main form button[type=submit]").click()
    office.wait_for_load_state()
    office.goto(f"{office.base_url}/inspections/notices/{notice.pk}/verify/")
    office.locator("main form button[type=submit]").click()
    office.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert "已复查销号" in office.locator("main").inner_text()
    context.close()
