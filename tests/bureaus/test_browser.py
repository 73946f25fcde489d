"""A new user in a real browser: the demo district officer logs in and sees their district."""

import pytest

from tests.conftest import PASSWORD, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_sees_their_district(page, tree):
    page.goto(f"{page.base_url}/")
    assert "/public/" in page.url  # a visitor lands on the public entrance
    page.goto(f"{page.base_url}/accounts/login/")
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


_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_main_pages_raise_no_csp_violation(page, tree):
    """The CSP is enforced by the browser (the header, not a report-only copy) and no page
    needs anything it forbids: every script is a file, the tip-off picker and htmx work."""
    violations, console = [], []
    page.add_init_script(_RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )

    def visit(path):
        response = page.goto(f"{page.base_url}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        violations.extend(page.evaluate("window.__cspViolations"))

    for path in ("/accounts/login/", "/public/institutions/?q=学", "/public/lists/"):
        visit(path)
    # The tip-off form's picker is a static script now: typing shows results, a click picks.
    visit("/public/tip-offs/new/")
    page.locator("#id_institution_name").press_sequentially("启明", delay=30)
    page.wait_for_timeout(500)
    violations.extend(page.evaluate("window.__cspViolations"))

    browser_login(page, "a_officer")
    for path in ("/", "/bureaus/streets/", "/institutions/", "/complaints/", "/api/docs/"):
        visit(path)
    # Swagger UI started from its own script file (the split view), not an inline one.
    page.wait_for_selector(".swagger-ui", timeout=10000)
    assert not violations, violations
    assert not console, console
    # The harness does see a violation: an injected inline script is blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))
