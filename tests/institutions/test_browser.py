"""A new district officer, in a real browser with a real Celery worker: import a survey, find
the institution in the list, open it, black-list it, and see the public lookup show it."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from bureaus.context import acting, system_actor
from bureaus.models import Street
from institutions.importing.columns import COLUMNS
from tests.conftest import browser_login, celery_worker_process
from tests.institutions.conftest import valid_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings, tmp_path, live_server, transactional_db):
    settings.MEDIA_ROOT = tmp_path
    with celery_worker_process(extra_env={"DJANGO_MEDIA_ROOT": str(tmp_path)}) as queue:
        settings.CELERY_LONG_QUEUE = queue
        yield queue


def survey_file(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([h for _k, h, _r in COLUMNS])
    good = {
        "机构名称": "北山星光舞蹈培训有限公司",
        "统一社会信用代码": valid_code(42),
        "类别": "文化艺术",
        "状态": "正常",
        "所在街道": "北山街道",
        "地址": "北山路8号",
        "联系人": "陈老师",
        "联系电话": "13900001234",
        # A new record put on file as operating (正常) holds its licences, as the services
        # require for 筹设 → 正常 (issue 8 item 7).
        "办学许可证编号": "教民133010670000042号",
        "营业执照或登记证书编号": valid_code(42),
    }
    bad = {
        "机构名称": "错误代码机构",
        "统一社会信用代码": valid_code(43)[:-1] + "Z",
        "类别": "文化艺术",
        "状态": "正常",
    }
    for values in (good, bad):
        ws.append([values.get(h, "") for _k, h, _r in COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_import_list_detail_blacklist_public_lookup(page, tree, worker, tmp_path):
    with acting(system_actor("tests")):
        Street.objects.create(bureau=tree.a, name="北山街道")
    browser_login(page, "a_officer")

    page.locator("details[data-menu=institutions] > summary").click()  # the 机构 menu
    page.get_by_role("link", name="摸排导入").click()
    page.get_by_role("link", name="导入摸排表").click()
    page.set_input_files("input[name=file]", str(survey_file(tmp_path / "摸排表.xlsx")))
    page.get_by_role("button", name="上传并导入").click()
    result = page.locator("[data-testid=import-result]")
    result.wait_for(timeout=60_000)  # htmx polls the progress until the worker is done
    assert "新建 1 家" in result.inner_text() and "出错 1 行" in result.inner_text()
    assert "统一社会信用代码" in page.content()  # the bad row, with its column

    page.get_by_role("link", name="查看机构列表").click()
    page.get_by_role("link", name="北山星光舞蹈培训有限公司").click()
    expect(page.locator("main")).to_contain_text("北山路8号")  # the page the link leads to
    assert "139****1234" in page.content() and "13900001234" not in page.content()

    page.get_by_role("link", name="列入黑名单").click()
    page.fill("textarea[name=reason]", "预收费未进入监管专户，卷款停业")
    page.check("input[name=publish]")
    page.get_by_role("button", name="确认").click()
    expect(page.locator("main")).to_contain_text("名单记录已保存")
    assert "预收费未进入监管专户" in page.locator("[data-testid=timeline]").inner_text()

    public = page.context.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{page.base_url}/public/institutions/?q=星光舞蹈")
    results = public.locator("[data-testid=public-results]").inner_text()
    assert "北山星光舞蹈培训有限公司" in results and "黑名单" in results
    assert "13900001234" not in public.content() and "陈老师" not in public.content()
    public.get_by_role("link", name="北山星光舞蹈培训有限公司").click()
    expect(public.locator("main")).to_contain_text("预收费未进入监管专户")
    public.context.close()
