"""Tenancy for the institution portal (portal/): institution accounts, no bureau membership.
An institution account reaches nothing on the staff side, and on the portal only its own
institution's records. The routes come from the walk in tests/test_isolation.py."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.test_isolation import APIS, _public_reason, all_routes

# What an institution account may open outside the portal: signing in and out, its own
# password and second factor, the language; public pages are everyone's.
OPEN_TO_INSTITUTION_ACCOUNTS = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "two_factor",
    "set_language",
}


def _any_url(pattern, name):
    """The route's URL with placeholder arguments (the middleware refuses before any lookup,
    and the views would find nothing for an institution account anyway)."""
    kwargs_names = list(pattern.pattern.regex.groupindex)
    for value in ("1", "a", "00000000-0000-0000-0000-000000000000", "bureaus"):
        try:
            return reverse(name, kwargs=dict.fromkeys(kwargs_names, value))
        except Exception:  # noqa: S112 - try the next placeholder
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def _institution_client(tree, name="西湖书法学校"):
    from tests.portal import records as portal_records

    account = portal_records.account(portal_records.institution(tree.a, name))
    client = Client()
    client.force_login(account.user)
    return account, client


def test_institution_account_reaches_nothing_on_the_staff_side(tree):
    """Every staff route (page or API, list or detail, GET or POST) answers an institution
    account with the login page, 403 or 404, and no write happens."""
    from bureaus.models import AuditEvent

    _account, client = _institution_client(tree)
    api = APIClient()
    api.force_login(_account.user)
    before = AuditEvent.objects.count()
    checked = 0
    for name, pattern in all_routes().items():
        if name.startswith("portal:") or name in OPEN_TO_INSTITUTION_ACCOUNTS:
            continue
        if _public_reason(pattern):
            continue
        url = _any_url(pattern, name)
        for method in ("get", "post"):
            response = getattr(api if url.startswith("/api/") else client, method)(url)
            status = response.status_code
            if status == 302 and name == "home":
                assert response["Location"] == reverse("portal:home")  # lands on its portal
            elif status == 302:
                assert response["Location"].startswith(reverse("login")), (name, method)
            else:
                assert status in (401, 403, 404, 405), (name, method, status)
        checked += 1
    assert checked > 100
    assert AuditEvent.objects.count() == before


def test_institution_account_api_token_reaches_nothing(tree):
    """Signed in to the API with a token instead of the session: no membership, no action."""
    from rest_framework.authtoken.models import Token

    account, _client = _institution_client(tree)
    token = Token.objects.create(user=account.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for route in APIS:
        if route.detail:
            continue
        assert api.get(route.url()).status_code in (401, 403, 404), route.name


def _portal_routes():
    return {n: p for n, p in all_routes().items() if n.startswith("portal:")}


def _portal_record(name, institution, marker):
    """A record of `institution` shown by the portal route `name` (a new detail route needs
    an entry here, or the test below fails)."""
    from tests.portal import records as portal_records

    makers = {
        "portal:notice-detail": portal_records.notice,
        "portal:course-detail": portal_records.course,
        "portal:course-resubmit": lambda i, m: portal_records.course(i, m, status="returned"),
    }
    if name not in makers:
        raise AssertionError(f"add a record maker for the portal route {name}")
    return makers[name](institution, marker)


def test_portal_routes_keep_to_the_own_institution(tree):
    """Anonymous: the login page. Staff (no institution account): 404. An institution account:
    another institution's record is absent from lists and a 404 in details, whether it is in
    the same district or a sibling's."""
    from tests.funds.records import fund_warning
    from tests.portal import records as portal_records

    account, client = _institution_client(tree)
    own = account.institution
    neighbour = portal_records.institution(tree.a, "西湖邻居机构")
    sibling = portal_records.institution(tree.b, "上城机构")
    for other in (neighbour, sibling):
        portal_records.notice(other, f"他人通知{other.pk}")
        fund_warning(other, f"他人预警{other.pk}")
    officer = Client()
    officer.force_login(tree.user("a", "officer"))
    routes = _portal_routes()
    assert {"portal:home", "portal:notice-list", "portal:notice-detail"} <= set(routes)
    for name, pattern in routes.items():
        detail = "pk" in pattern.pattern.regex.groupindex
        if detail:
            mine = _portal_record(name, own, "本机构记录")
            url = reverse(name, kwargs={"pk": mine.pk})
            assert client.get(url).status_code == 200, name
            for other in (neighbour, sibling):
                theirs = _portal_record(name, other, f"他人记录{other.pk}")
                other_url = reverse(name, kwargs={"pk": theirs.pk})
                assert client.get(other_url).status_code == 404, name
                assert client.post(other_url, {}).status_code in (404, 405), name
        else:
            url = reverse(name)
            body = client.get(url).content.decode()
            assert own.name in body, name
            for other in (neighbour, sibling):
                assert other.name not in body and "他人" not in body, name
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
        assert officer.get(url).status_code == 404, name
