"""三权分立: the system, security and audit administrators each keep to their own pages and API,
and none can change another's membership (issue 10 §3)."""

import pytest
from django.urls import reverse

from bureaus.context import acting, system_actor
from bureaus.models import Membership, User
from tests.clients import api_client, page_client


def test_district_admin_cannot_change_the_auditors_membership(tree):
    # Why: "a district admin can change the auditor's membership (三权分立)".
    auditor_membership = Membership.objects.get(user=tree.user("a", "auditor"))
    url = f"/api/v1/memberships/{auditor_membership.pk}/"
    admin = api_client(tree.user("a", "admin"))
    assert admin.patch(url, {"is_active": False}, format="json").status_code == 403
    assert admin.delete(url).status_code == 403
    page = page_client(tree.user("a", "admin"))
    assert (
        page.get(reverse("bureaus:membership-update", args=[auditor_membership.pk])).status_code
        == 403
    )
    auditor_membership.refresh_from_db()
    assert auditor_membership.is_active
    # The security administrator grants and withdraws roles (but never their own).
    security = api_client(tree.user("a", "security"))
    assert security.patch(url, {"is_active": False}, format="json").status_code == 200
    own = Membership.objects.get(user=tree.user("a", "security"))
    response = security.patch(f"/api/v1/memberships/{own.pk}/", {"role": "admin"}, format="json")
    assert response.status_code == 400


def test_membership_api_does_not_tell_whether_a_username_exists(tree):
    # Why: a district admin "can tell whether any username exists system-wide".
    security = api_client(tree.user("a", "security"))
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
    security = api_client(tree.user("a", "security"))
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
    security = api_client(tree.user("a", "security"))
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
    client = page_client(tree.user("a", role))
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
    client = api_client(tree.user("a", role))
    for url in refused:
        assert client.get(url).status_code == 403, url
    membership = Membership.objects.get(user=tree.user("a", "officer"))
    patch = client.patch(
        f"/api/v1/memberships/{membership.pk}/", {"role": "inspector"}, format="json"
    )
    assert patch.status_code == (200 if role == "security" else 403)


def test_system_admin_creates_accounts_only_under_the_bureaus_prefix(tree):
    client = page_client(tree.user("a", "admin"))
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
