"""In a real browser at 390×844 with a real Celery worker: an officer opens an escrow account
for an institution, imports the bank's statement (the job page shows its progress until the
worker is done), and sees the red warning on the account and on the institution's page; the
account number is masked everywhere."""

import pytest

from funds.models import EscrowAccount, LedgerEntry
from tests.conftest import browser_login, celery_worker_process
from tests.funds.conftest import make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True}
NUMBER = "6222020200998877665"
HEADER = "账号,交易日期,交易流水号,交易类型,金额,合同编号,摘要"


@pytest.fixture
def worker(settings, tmp_path, live_server, transactional_db):
    settings.MEDIA_ROOT = tmp_path
    with celery_worker_process(extra_env={"DJANGO_MEDIA_ROOT": str(tmp_path)}) as queue:
        settings.CELERY_LONG_QUEUE = queue
        yield queue


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_open_account_import_statement_see_warning(browser, live_server, tree, worker, tmp_path):
    institution = make_institution(tree.a, name="星光艺术培训中心", status="normal")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.base_url = live_server.url
    browser_login(page, "a_officer")

    page.goto(f"{page.base_url}/funds/")
    with page.expect_navigation():
        page.get_by_role("link", name="开设监管账户").click()
    assert _fits(page)
    page.select_option("select[name=institution]", str(institution.pk))
    page.fill("input[name=bank]", "中国银行文一路支行")
    page.fill("input[name=account_number]", "6222 0202 0099 8877 665")
    page.fill("input[name=agreed_on]", "2026-03-01")
    page.fill("input[name=minimum_fixed_fen]", "1000")
    page.fill("input[name=yellow_threshold_fen]", "3000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("[data-testid=balance]")
    account = EscrowAccount.objects.get(institution=institution)
    assert page.url.endswith(f"/funds/accounts/{account.pk}/")
    assert "6222***********7665" in page.content() and NUMBER not in page.content()

    statement = tmp_path / "回单20260302.csv"
    statement.write_text(
        f"{HEADER}\n{NUMBER},2026-03-02,BK20260302001,存入保证金,500.00,,首笔保证金\n",
        encoding="utf-8",
    )
    page.goto(f"{page.base_url}/funds/imports/")
    page.set_input_files("input[name=file]", str(statement))
    page.get_by_role("button", name="导入").click()
    result = page.locator("[data-testid=import-result]")
    result.wait_for(timeout=60_000)  # htmx polls the job page until the worker is done
    assert "已入账 1 行" in result.inner_text()
    assert LedgerEntry.objects.filter(account=account).count() == 1
    assert _fits(page)

    page.goto(f"{page.base_url}/funds/accounts/{account.pk}/")
    assert "¥500.00" in page.locator("[data-testid=balance]").inner_text()
    assert "余额低于最低存款余额" in page.content()
    page.goto(f"{page.base_url}/institutions/{institution.pk}/")
    panel = page.locator("[data-testid=escrow-panel]")
    assert "6222***********7665" in panel.inner_text()
    assert "余额低于最低存款余额" in panel.inner_text()
    assert "资金监管：余额低于最低存款余额" in page.content()
    assert NUMBER not in page.content()
    context.close()
