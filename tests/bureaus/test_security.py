"""Response headers and input that cannot break a page (issue 10 §4, §7)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from bureaus.models import Street
from tests.clients import api_client, page_client

# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/public/institutions/", "/public/tip-offs/new/", "/no-such-page/"],
)
def test_every_page_carries_the_security_headers(client, db, url):
    # Why: "no Content Security Policy or Permissions-Policy".
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_staff_pages_and_api_are_not_cached(tree):
    # Why: "staff pages and API responses cacheable".
    client = page_client(tree.user("a", "officer"))
    for url in ("/", reverse("bureaus:street-list"), "/api/v1/streets/"):
        assert "no-store" in client.get(url)["Cache-Control"], url
    assert "no-store" in APIClient().get("/api/v1/streets/")["Cache-Control"]


def test_no_template_has_an_inline_script():
    from tests.conftest import ROOT

    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text()
        for chunk in text.split("<script")[1:]:
            if "src=" not in chunk.split(">")[0]:
                offenders.append(str(path))
        if " onclick=" in text or " onchange=" in text or " onsubmit=" in text or "hx-on" in text:
            offenders.append(str(path))
    assert not offenders


def test_not_found_and_server_error_pages_are_friendly_chinese(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "不存在" in response.content.decode()
    from django.template.loader import render_to_string

    assert "服务器错误" in render_to_string("500.html")


def test_make_run_settings_show_no_debug_page_and_bound_connections():
    # Why: `make run` exhausted PostgreSQL's connections under runserver with CONN_MAX_AGE=60.
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "from django.conf import settings; import django; django.setup();"
        "print(settings.DEBUG, settings.DATABASES['default']['CONN_MAX_AGE'],"
        " settings.WEB_WORKERS * settings.WEB_THREADS)"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    debug, conn_max_age, threads = result.stdout.split()
    assert debug == "False" and conn_max_age == "0" and int(threads) <= 16, result.stderr
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert "gunicorn config.wsgi" in run and "manage.py runserver" not in run


# --- input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/public/institutions/?q=%00",
        "/public/institutions/?q=abc%01",
        "/public/lists/%00/",
        "/public/institutions/?q%00=1",
    ],
)
def test_control_characters_in_the_url_are_a_400(client, db, url):
    # Why: "a NUL character in the public search or the public lists path" was a 500.
    response = client.get(url)
    assert response.status_code == 400
    assert "不允许" in response.content.decode()


def test_control_characters_in_a_form_are_refused_and_not_stored(tree):
    client = page_client(tree.user("a", "admin"))
    response = client.post(reverse("bureaus:street-create"), {"name": "北山\x01街道"})
    assert response.status_code == 400
    assert not Street.objects.filter(name__startswith="北山").exists()
    # Tab and newline are ordinary text.
    response = client.post(reverse("bureaus:street-create"), {"name": "北山街道", "code": "1\t"})
    assert response.status_code == 302


def test_control_characters_in_json_are_refused_and_not_stored(tree):
    # Why: "one control character saved through the API in an address".
    client = api_client(tree.user("a", "admin"))
    escaped = '{"name": "\\u0007北山街道"}'
    response = client.generic("POST", "/api/v1/streets/", escaped, content_type="application/json")
    assert response.status_code == 400
    raw = '{"name": "\x00北山街道"}'
    response = client.generic("POST", "/api/v1/streets/", raw, content_type="application/json")
    assert response.status_code == 400
    assert not Street.objects.filter(name__contains="北山").exists()


@pytest.mark.parametrize(
    "document", ["[" * 1000, "[" * 1000 + "]" * 1000, '{"a":' * 100 + "1" + "}" * 100]
)
def test_over_deep_json_is_a_400(tree, document):
    # Why: "deeply nested JSON ([×1000) on any JSON endpoint" was a 500.
    client = api_client(tree.user("a", "admin"))
    response = client.generic("POST", "/api/v1/streets/", document, content_type="application/json")
    assert response.status_code == 400
    anonymous = APIClient().generic(
        "POST", "/api/v1/auth/token/", document, content_type="application/json"
    )
    assert anonymous.status_code == 400


def test_reasonable_json_still_works(tree):
    client = api_client(tree.user("a", "admin"))
    response = client.post("/api/v1/streets/", {"name": "北山街道", "code": "x\ny"}, format="json")
    assert response.status_code == 201, response.content
