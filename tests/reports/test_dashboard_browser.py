"""The dashboard in a real browser: an officer signs in, lands on the district dashboard, and
the vendored Chart.js draws its charts from the figures (no CDN, no CSP violation); a city
supervisor sorts the roll-up by clicking a column."""

import pytest

from bureaus.context import acting, system_actor
from institutions.models import Institution
from reports.tasks import summaries_refresh
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_lands_on_the_dashboard_with_its_charts(page, tree):
    with acting(system_actor("tests")):
        for i in range(3):
            Institution.objects.create(bureau=tree.a, name=f"甲机构{i}", category="arts")
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    browser_login(page, "a_officer")
    assert page.url.endswith("/reports/")
    page.wait_for_function("document.documentElement.dataset.chartsDrawn === 'true'")
    assert page.evaluate("!!document.getElementById('chart-status').chart")
    assert page.evaluate("window.Chart.version").startswith("4.")
    script = page.evaluate(
        "[...document.scripts].map(s => s.src).find(s => s.includes('chart.umd'))"
    )
    assert script.startswith(page.base_url)
    tile = page.locator("[data-figure=institutions]")
    assert "3" in tile.inner_text()
    tile.locator("a").click()
    page.wait_for_load_state()
    assert "/institutions/" in page.url and "甲机构0" in page.content()
    assert violations == []


def test_supervisor_sorts_the_rollup(page, tree):
    with acting(system_actor("tests")):
        Institution.objects.create(bureau=tree.b, name="乙机构", category="arts")
        summaries_refresh.run()
    browser_login(page, "city_supervisor")
    assert "数据截至" in page.locator("[data-testid=as-of]").inner_text()
    page.locator("th[data-column=institutions] a").click()
    page.wait_for_load_state()
    page.locator("th[data-column=institutions] a").click()
    page.wait_for_load_state()
    rows = page.locator("[data-testid=rollup] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.bureau)"
    )
    assert rows == ["330102", "330106"]  # 乙 (1 institution) before 甲 (0), descending
