"""In a real browser: an officer issues the published black list as a sealed PDF, opens it,
follows its verification address (the one in the QR code) and uploads the file there."""

import re
import time

import pytest
from django.utils import timezone

from bureaus.context import acting, system_actor
from institutions.models import Institution, ListEntry
from tests.conftest import browser_login, celery_worker_process
from tests.documents.conftest import pdftotext, squeeze

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings, tmp_path, live_server, transactional_db):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {"DJANGO_MEDIA_ROOT": settings.MEDIA_ROOT}
    with celery_worker_process(extra_env=env) as queue:
        settings.CELERY_LONG_QUEUE = queue
        yield queue


def test_officer_issues_black_list_pdf_and_anyone_verifies_it(page, tree, worker, tmp_path):
    with acting(system_actor("tests")):
        institution = Institution.objects.create(
            bureau=tree.a, name="西溪无证培训中心", category="arts", address="西溪路1号"
        )
        ListEntry.objects.create(
            bureau=tree.a,
            institution=institution,
            kind=ListEntry.Kind.BLACK,
            reason="无证办学",
            published_on=timezone.localdate(),
        )
    browser_login(page, "a_officer")
    page.goto(f"{page.base_url}/institutions/lists/")
    page.click("[data-testid=black-list-pdf]")
    page.click("[data-testid=issue-pdf]")
    # The job page refreshes itself until the worker has issued the document.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not page.locator("[data-testid=document-link]").count():
        time.sleep(0.5)
        page.reload()
    page.click("[data-testid=document-link]")
    pdf_url = page.get_attribute("[data-testid=open-pdf]", "href")
    response = page.context.request.get(f"{page.base_url}{pdf_url}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    data = response.body()
    text = squeeze(pdftotext(data, tmp_path))
    assert "西溪无证培训中心" in text and "西湖区教育局" in text
    verify_url = re.search(r"http://[^\s]+/public/documents/verify/[A-Za-z0-9_-]{32}/", text)
    assert verify_url, text
    # Anyone (a new browser context, not signed in) opens the verification address.
    visitor = page.context.browser.new_context(locale="zh-CN").new_page()
    visitor.goto(verify_url.group(0))
    assert "黑名单" in visitor.inner_text("[data-testid=document]")
    assert "有效（未被替代）" in visitor.inner_text("[data-testid=superseded]")
    path = tmp_path / "black-list.pdf"
    path.write_bytes(data)
    visitor.set_input_files("input[name=file]", str(path))
    visitor.click("[data-testid=verify-submit]")
    verdict = visitor.locator("[data-testid=verdict]")
    assert verdict.get_attribute("data-outcome") == "genuine"
    assert "真实且未被修改" in verdict.inner_text()
    visitor.context.close()
