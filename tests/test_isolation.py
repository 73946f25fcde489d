"""Tenancy, for every scoped route found by walking the URL configuration.

A route is either scoped (its view is a ScopedPageMixin page or a ScopedViewSet) and then tested
here, or listed in UNSCOPED with the reason it needs no tenancy. A new route that is neither
fails `test_every_route_is_classified`, so it is covered the day it is added.
"""

import io
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from bureaus.api.base import ScopedViewSet
from bureaus.models import Membership
from bureaus.pages import ScopedPageMixin
from bureaus.permissions import allowed_roles
from tests.records import MAKERS, make_record

# Routes that carry no bureau-owned record, and why.
UNSCOPED = {
    "home": "the user's own bureau and role; counts go through visible_to",
    "healthz": "database and Redis reachability, no data",
    "favicon": "a redirect to the static icon, no data",
    "login": "authentication",
    "api-token": "authentication: a token for a password (throttled, locked out like login)",
    "logout": "authentication",
    "password_change": "the user's own password",
    "password_change_done": "the user's own password",
    "two_factor": "the user's own second factor (TOTP device)",
    "set_language": "language choice",
    "bureaus:switch": "chooses among the user's own memberships (tested in test_auth)",
    "schema": "API description, no data",
    "api-docs": "API description, no data",
    # Deliberately public (@public): only documents issued as public (published lists), found
    # by their 192-bit token; the others are a 404 (tests/documents/test_verification.py).
    "public_documents:pdf": "the PDF of a document published to everyone, by its token",
    "core:calendar": "the national working-day calendar, owned by no bureau (tests/core)",
    "core:savedfilter-save": "the user's own saved filter, in the acting bureau "
    "(tests/core/test_saved_filters.py)",
    "core:savedfilter-delete": "the user's own saved filter: another user's is a 404 "
    "(tests/core/test_saved_filters.py)",
    "courses:reference": "the acting city's or province's own vacations, guidance prices and rule "
    "settings, not a district's records (tests/courses/test_reference.py)",
}
UNSCOPED_NAMESPACES = {
    "admin": "platform superusers only (bureaus.admin)",
    "portal": "institution accounts only, their own institution (test_portal_* below)",
}
# Scoped routes that return sums per district rather than records: checked by district name.
AGGREGATES = {
    "refund-dispute-totals": "refund disputes summed per district",
    "reports:periodic-report-missing": "per district: reported on its last date or not",
    "reports:dashboard": "a district's figures, or its subtree's per district",
    "reports:dashboard-export": "the same figures as a workbook",
}


@dataclass(frozen=True)
class Route:
    name: str
    kind: str  # "page" or "api"
    view: type
    detail: bool
    actions: tuple = ()  # API: the HTTP methods this route maps

    def __str__(self):
        return self.name

    @property
    def model(self):
        return self.view.model if self.kind == "page" else self.view.queryset.model

    @property
    def writes(self):
        return self.kind == "page" and self.view.writes

    def url(self, record=None):
        return reverse(self.name, kwargs={"pk": record.pk} if self.detail else None)

    def list_post_action(self):
        """The action a POST on an API list route asks for (create, or the viewset's verb)."""
        verbs = self.view.permission_verbs or {}
        return f"{self.view.permission_object}.{verbs.get('post', 'change')}"

    def read_action(self):
        """The action a GET asks for (a write page's own action, e.g. "street.change")."""
        if self.kind == "page":
            return f"{self.view.permission_object}.{self.view.permission_verb}"
        return f"{self.view.permission_object}.view"


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            if "format" in p.pattern.regex.groupindex:
                continue  # DRF's format-suffix twin of a route already listed
            yield f"{namespace}{p.name}", p


def all_routes():
    seen = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        seen.setdefault(name, pattern)
    return seen


def scoped_routes():
    routes = []
    for name, pattern in all_routes().items():
        callback = pattern.callback
        detail = "pk" in pattern.pattern.regex.groupindex
        view_class = getattr(callback, "view_class", None)
        viewset = getattr(callback, "cls", None)
        if view_class and issubclass(view_class, ScopedPageMixin):
            routes.append(Route(name, "page", view_class, detail))
        elif viewset and issubclass(viewset, ScopedViewSet):
            routes.append(Route(name, "api", viewset, detail, tuple(callback.actions)))
    return sorted(routes, key=str)


ROUTES = scoped_routes()
PAGES = [r for r in ROUTES if r.kind == "page"]
APIS = [r for r in ROUTES if r.kind == "api"]


def _public_reason(pattern):
    callback = pattern.callback
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return getattr(view, "public_reason", None) or getattr(callback, "public_reason", None)


def test_every_route_is_classified():
    scoped = {r.name for r in ROUTES}
    unknown = [
        name
        for name, pattern in all_routes().items()
        if name not in scoped
        and not _public_reason(pattern)
        and name not in UNSCOPED
        and name.split(":")[0] not in UNSCOPED_NAMESPACES
    ]
    assert not unknown, f"routes neither scoped nor listed in UNSCOPED: {unknown}"
    assert PAGES and APIS


def test_every_export_and_download_route_is_scoped():
    """Exports and downloads are routes of their own, so the tests below request them like
    any list or detail page: none may be public or unclassified."""
    words = ("export", "download", "attachment", "pdf", "csv", "xlsx", "report")
    scoped = {r.name for r in ROUTES}
    files = [n for n in all_routes() if any(w in n.lower() for w in words)]
    assert files, "no export route found: the naming rule above is out of date"
    assert [n for n in files if n not in scoped and n not in UNSCOPED] == []


def test_every_scoped_model_has_a_maker():
    missing = {r.model.__name__ for r in ROUTES if r.model not in MAKERS}
    assert not missing, f"add a maker in tests/records.py for {missing}"


def _district_user(tree, route, district="a"):
    """A user of the district whose role may take the route's action."""
    for role in sorted(allowed_roles(route.read_action())):
        if role in Membership.DISTRICT_ROLES:
            return tree.user(district, role)
    pytest.skip(f"no district role may {route.read_action()}")


def _client(user=None, api=False):
    client = APIClient() if api else Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def pair(tree, request):
    route = request.param
    record_a = make_record(route.model, tree.a, f"甲区记录{route.model.__name__}")
    record_b = make_record(route.model, tree.b, f"乙区记录{route.model.__name__}")
    return route, record_a, record_b


def _text(response) -> str:
    """A response's text; an export workbook's as the text of its cells."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
        return "\n".join(str(cell) for row in sheet.to_python() for cell in row)
    return response.content.decode()


def _marker(record):
    return f"记录{type(record).__name__}"


@pytest.mark.parametrize("pair", PAGES + APIS, ids=str, indirect=True)
def test_district_user_never_sees_sibling(pair, tree):
    route, record_a, record_b = pair
    user = _district_user(tree, route)
    client = _client(user, api=route.kind == "api")
    if route.detail:
        assert client.get(route.url(record_a)).status_code == 200
        assert client.get(route.url(record_b)).status_code == 404
    elif route.name in AGGREGATES:
        body = _text(client.get(route.url()))
        assert tree.a.name in body and tree.b.name not in body
    else:
        response = client.get(route.url())
        assert response.status_code == 200
        body = _text(response)
        if not route.writes:
            assert "甲区" + _marker(record_a) in body
        assert "乙区" + _marker(record_b) not in body


@pytest.mark.parametrize("pair", PAGES + APIS, ids=str, indirect=True)
def test_city_supervisor_reads_both_districts_and_writes_neither(pair, tree):
    route, record_a, record_b = pair
    supervisor = tree.user("city", "supervisor")
    client = _client(supervisor, api=route.kind == "api")
    may_read = "supervisor" in allowed_roles(route.read_action())
    if route.writes:
        url = route.url(record_a)
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {}).status_code in (403, 404)
        return
    if not may_read:
        assert client.get(route.url(record_a)).status_code == 403
        return
    if route.detail:
        assert client.get(route.url(record_a)).status_code == 200
        assert client.get(route.url(record_b)).status_code == 200
    elif route.name in AGGREGATES:
        body = _text(client.get(route.url()))
        assert tree.a.name in body and tree.b.name in body
    else:
        body = _text(client.get(route.url()))
        assert "甲区" + _marker(record_a) in body
        assert "乙区" + _marker(record_b) in body
    if route.kind == "api":
        if route.detail:
            for method in ("patch", "put", "delete"):
                if method in route.actions:
                    response = getattr(client, method)(route.url(record_a), {}, format="json")
                    assert response.status_code in (403, 404), method
        elif "post" in route.actions:
            before = route.model.objects.count()
            response = client.post(route.url(), {}, format="json")
            if "supervisor" in allowed_roles(route.list_post_action()):
                # A superior's own write into its subtree (issuing a supervision order): the
                # empty payload is refused field by field; the subtree check is in its tests.
                assert response.status_code == 400
            else:
                assert response.status_code == 403
            assert route.model.objects.count() == before


WRITE_METHODS = ("post", "patch", "put", "delete")
WRITE_ROUTES = [
    r
    for r in ROUTES
    if r.detail and (r.writes or (r.kind == "api" and set(r.actions) & set(WRITE_METHODS)))
]


def _state(record):
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}


@pytest.mark.parametrize("pair", WRITE_ROUTES, ids=str, indirect=True)
def test_sibling_record_cannot_be_written(pair, tree):
    """Every write a district user can send at another district's record is refused (404 when
    the role could write it at home, 403 when the role cannot write at all) and changes nothing."""
    route, _record_a, record_b = pair
    # A page names its own action; an API detail route writes with "<object>.change".
    action = (
        route.read_action() if route.kind == "page" else f"{route.view.permission_object}.change"
    )
    allowed = allowed_roles(action)
    writers = [r for r in sorted(Membership.DISTRICT_ROLES) if r in allowed]
    client = _client(tree.user("a", writers[0] if writers else "officer"), api=route.kind == "api")
    before = _state(record_b)
    methods = [m for m in WRITE_METHODS if m in route.actions] if route.kind == "api" else ["post"]
    for method in methods:
        response = getattr(client, method)(route.url(record_b), {}, content_type="application/json")
        # Custom API actions (POST) name their own verb, which the writer may lack.
        if writers and (route.kind == "page" or method != "post"):
            assert response.status_code == 404, method
        else:
            assert response.status_code in (403, 404), method
    assert record_b._meta.model.objects.filter(pk=record_b.pk).exists()
    record_b.refresh_from_db()
    assert _state(record_b) == before


@pytest.mark.parametrize("pair", PAGES + APIS, ids=str, indirect=True)
def test_anonymous_is_turned_away(pair):
    route, record_a, _record_b = pair
    client = _client(api=route.kind == "api")
    response = client.get(route.url(record_a))
    if route.kind == "page":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code in (401, 403)


@pytest.mark.parametrize("route", PAGES + APIS, ids=str)
def test_role_matrix(route, tree):
    """Every district role against every scoped route: a role the permission table leaves out
    is refused (403) before any lookup, whatever the record; a role it names gets through.
    This is where the three administrators (三权分立: admin, security, auditor) are kept to
    their own work: the security administrator reads no business record, the system
    administrator no audit trail, the auditor changes nothing."""
    record = make_record(route.model, tree.a, f"矩阵{route.model.__name__}")
    allowed = allowed_roles(route.read_action())
    for role in sorted(Membership.DISTRICT_ROLES):
        client = _client(tree.user("a", role), api=route.kind == "api")
        status = client.get(route.url(record) if route.detail else route.url()).status_code
        if role in allowed:
            assert status != 403, (role, status)
        else:
            assert status == 403, (role, status)


def test_role_matrix_keeps_administrators_apart():
    """The table itself: no action is open to two administrator roles where one of them is the
    security administrator or the auditor writing (三权分立)."""
    R = Membership.Role
    from bureaus.permissions import ACTIONS

    for action, roles in ACTIONS.items():
        if R.SECURITY in roles:
            assert action.split(".")[0] in {"bureau", "user", "membership"}, action
        if R.AUDITOR in roles:
            assert action.endswith((".view", ".export")), action
    assert allowed_roles("membership.change") == {R.SECURITY}
    assert allowed_roles("auditevent.view") == {R.AUDITOR}
    assert R.ADMIN not in allowed_roles("user.secure")
