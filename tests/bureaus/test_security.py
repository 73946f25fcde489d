"""Sessions, 三权分立, response headers and input that cannot break a page (issue 10 §2–4, §7)."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bureaus.context import acting, system_actor
from bureaus.models import Membership, Street, User
from bureaus.security import LOGIN_AT, SEEN_AT
from tests.conftest import PASSWORD

# --- sessions -------------------------------------------------------------------------------


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _shift_clock(client, *, seen_minutes_ago=None, login_minutes_ago=None):
    session = client.session
    now = time.time()
    if seen_minutes_ago is not None:
        session[SEEN_AT] = now - seen_minutes_ago * 60
    if login_minutes_ago is not None:
        session[LOGIN_AT] = now - login_minutes_ago * 60
    session.save()


def _alive(client) -> bool:
    return client.get(reverse("bureaus:street-list")).status_code == 200


def test_idle_session_expires_at_31_minutes_not_at_29(tree):
    # Why: "sessions last 14 days with no idle timeout".
    client = _signed_in(tree.user("a", "officer"))
    _shift_clock(client, seen_minutes_ago=29)
    assert _alive(client)
    _shift_clock(client, seen_minutes_ago=31)
    assert not _alive(client)
    response = client.get(reverse("bureaus:street-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_session_has_an_absolute_lifetime_of_12_hours(tree, settings):
    client = _signed_in(tree.user("a", "officer"))
    _shift_clock(client, seen_minutes_ago=1, login_minutes_ago=11 * 60 + 59)
    assert _alive(client)
    _shift_clock(client, seen_minutes_ago=1, login_minutes_ago=12 * 60 + 1)
    assert not _alive(client)
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    assert settings.SESSION_COOKIE_AGE < 24 * 3600


def test_session_id_rotates_at_sign_in(client, tree):
    session = client.session
    session["language_hint"] = "zh"
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    assert (
        client.post(reverse("login"), {"username": "a_officer", "password": PASSWORD}).status_code
        == 302
    )
    assert client.cookies["sessionid"].value != before


def test_password_change_ends_the_other_sessions(tree):
    user = tree.user("a", "officer")
    mine, other = _signed_in(user), _signed_in(user)
    Token.objects.create(user=user)
    new = "Tiger-Lily-0987"
    response = mine.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert _alive(mine)
    assert not _alive(other)
    assert not Token.objects.filter(user=user).exists()


def test_disabling_an_account_ends_its_sessions(tree):
    officer = tree.user("a", "officer")
    victim = _signed_in(officer)
    admin = _signed_in(tree.user("a", "admin"))
    response = admin.post(
        reverse("bureaus:user-update", args=[officer.pk]), {"display_name": "x", "is_active": ""}
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=officer.pk).is_active
    assert not _alive(victim)


def test_security_administrator_ends_a_users_sessions(tree):
    officer = tree.user("a", "officer")
    victim = _signed_in(officer)
    Token.objects.create(user=officer)
    security = _signed_in(tree.user("a", "security"))
    url = reverse("bureaus:user-security", args=[officer.pk])
    assert security.get(url).status_code == 200
    assert security.post(url, {"action": "end_sessions"}).status_code == 302
    assert not _alive(victim)
    assert not Token.objects.filter(user=officer).exists()
    # A new sign-in works again.
    assert _alive(_signed_in(officer))
    # The system administrator may not (sessions are the security administrator's work).
    assert (
        _signed_in(tree.user("a", "admin")).post(url, {"action": "end_sessions"}).status_code == 403
    )


# --- 三权分立 ---------------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_district_admin_cannot_change_the_auditors_membership(tree):
    # Why: "a district admin can change the auditor's membership (三权分立)".
    auditor_membership = Membership.objects.get(user=tree.user("a", "auditor"))
    url = f"/api/v1/memberships/{auditor_membership.pk}/"
    admin = _api(tree.user("a", "admin"))
    assert admin.patch(url, {"is_active": False}, format="json").status_code == 403
    assert admin.delete(url).status_code == 403
    page = _signed_in(tree.user("a", "admin"))
    assert (
        page.get(reverse("bureaus:membership-update", args=[auditor_membership.pk])).status_code
        == 403
    )
    auditor_membership.refresh_from_db()
    assert auditor_membership.is_active
    # The security administrator grants and withdraws roles (but never their own).
    security = _api(tree.user("a", "security"))
    assert security.patch(url, {"is_active": False}, format="json").status_code == 200
    own = Membership.objects.get(user=tree.user("a", "security"))
    response = security.patch(f"/api/v1/memberships/{own.pk}/", {"role": "admin"}, format="json")
    assert response.status_code == 400


def test_membership_api_does_not_tell_whether_a_username_exists(tree):
    # Why: a district admin "can tell whether any username exists system-wide".
    security = _api(tree.user("a", "security"))
    answers = {}
    for username in ("b_officer", "no_such_user_anywhere"):
        response = security.post(
            "/api/v1/memberships/", {"user": username, "role": "officer"}, format="json"
        )
        assert response.status_code == 400
        answers[username] = response.json()
    assert answers["b_officer"] == answers["no_such_user_anywhere"]


def test_duplicate_membership_is_a_400_not_a_500(tree):
    # Why: "a duplicate membership" was an anonymous 500.
    security = _api(tree.user("a", "security"))
    response = security.post(
        "/api/v1/memberships/", {"user": "a_officer", "role": "inspector"}, format="json"
    )
    assert response.status_code == 400
    assert "user" in response.json()
    assert Membership.objects.filter(user=tree.user("a", "officer")).count() == 1


def test_security_admin_cannot_make_an_admin_an_auditor(tree):
    user = User.objects.create_user(username="330106-new", bureau=tree.a)
    with acting(system_actor("tests")):
        Membership.objects.create(user=user, bureau=tree.b, role="admin")
    security = _api(tree.user("a", "security"))
    response = security.post(
        "/api/v1/memberships/", {"user": "330106-new", "role": "auditor"}, format="json"
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=user, bureau=tree.a).exists()


@pytest.mark.parametrize(
    ("role", "refused", "allowed"),
    [
        # System administrator: accounts and settings; not roles, not the audit trail.
        (
            "admin",
            ["bureaus:auditevent-list", "bureaus:membership-create"],
            ["bureaus:user-list", "bureaus:user-create", "bureaus:street-create"],
        ),
        # Security administrator: roles, sessions; no business data, no audit trail.
        (
            "security",
            [
                "bureaus:auditevent-list",
                "bureaus:user-create",
                "bureaus:street-list",
                "institutions:institution-list",
                "complaints:complaint-list",
            ],
            ["bureaus:membership-list", "bureaus:membership-create", "bureaus:user-list"],
        ),
        # Audit administrator: reads the trail; grants nothing, keeps no accounts.
        (
            "auditor",
            ["bureaus:membership-create", "bureaus:user-list", "bureaus:user-create"],
            ["bureaus:auditevent-list"],
        ),
    ],
)
def test_each_administrator_is_refused_the_others_pages(tree, role, refused, allowed):
    client = _signed_in(tree.user("a", role))
    for name in refused:
        assert client.get(reverse(name)).status_code == 403, name
    for name in allowed:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize(
    ("role", "refused"),
    [
        ("admin", ["/api/v1/audit-events/"]),
        ("security", ["/api/v1/audit-events/", "/api/v1/institutions/", "/api/v1/complaints/"]),
        ("auditor", []),
    ],
)
def test_each_administrator_is_refused_the_others_api(tree, role, refused):
    client = _api(tree.user("a", role))
    for url in refused:
        assert client.get(url).status_code == 403, url
    membership = Membership.objects.get(user=tree.user("a", "officer"))
    patch = client.patch(
        f"/api/v1/memberships/{membership.pk}/", {"role": "inspector"}, format="json"
    )
    assert patch.status_code == (200 if role == "security" else 403)


def test_system_admin_creates_accounts_only_under_the_bureaus_prefix(tree):
    client = _signed_in(tree.user("a", "admin"))
    data = {
        "username": "b_officer",
        "display_name": "新人",
        "password1": "Correct-Horse-Battery-7",
        "password2": "Correct-Horse-Battery-7",
    }
    # An existing username of another bureau gets the same answer as any other wrong prefix.
    response = client.post(reverse("bureaus:user-create"), data)
    assert response.status_code == 200
    assert "330106-" in response.content.decode()
    response = client.post(reverse("bureaus:user-create"), {**data, "username": "330106-wang"})
    assert response.status_code == 302
    created = User.objects.get(username="330106-wang")
    assert created.bureau == tree.a and created.check_password("Correct-Horse-Battery-7")
    weak = client.post(
        reverse("bureaus:user-create"),
        {**data, "username": "330106-li", "password1": "kxqvmzpt", "password2": "kxqvmzpt"},
    )
    assert weak.status_code == 200
    assert not User.objects.filter(username="330106-li").exists()


def test_admin_site_is_off_in_production_settings():
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "try:\n resolve('/admin/'); print('on')\nexcept Resolver404:\n print('off')"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "JIANGUAN_FIELD_ENCRYPTION_KEY": "y" * 64,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "off", result.stderr


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
    client = _signed_in(tree.user("a", "officer"))
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
    client = _signed_in(tree.user("a", "admin"))
    response = client.post(reverse("bureaus:street-create"), {"name": "北山\x01街道"})
    assert response.status_code == 400
    assert not Street.objects.filter(name__startswith="北山").exists()
    # Tab and newline are ordinary text.
    response = client.post(reverse("bureaus:street-create"), {"name": "北山街道", "code": "1\t"})
    assert response.status_code == 302


def test_control_characters_in_json_are_refused_and_not_stored(tree):
    # Why: "one control character saved through the API in an address".
    client = _api(tree.user("a", "admin"))
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
    client = _api(tree.user("a", "admin"))
    response = client.generic("POST", "/api/v1/streets/", document, content_type="application/json")
    assert response.status_code == 400
    anonymous = APIClient().generic(
        "POST", "/api/v1/auth/token/", document, content_type="application/json"
    )
    assert anonymous.status_code == 400


def test_reasonable_json_still_works(tree):
    client = _api(tree.user("a", "admin"))
    response = client.post("/api/v1/streets/", {"name": "北山街道", "code": "x\ny"}, format="json")
    assert response.status_code == 201, response.content
