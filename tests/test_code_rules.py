"""Rules of the code that keep tenancy impossible to get wrong in a new app (issue: shared
mechanisms). Each scans the source or the URL configuration; the layering of the apps is
checked by import-linter (scripts/lint_imports.py, run by `make test`)."""

import ast
from pathlib import Path

import pytest
from django.urls import get_resolver

from bureaus.api.base import ScopedViewSet
from bureaus.pages import ScopedPageMixin
from tests.test_isolation import _public_reason, _walk

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    p.parent.name
    for p in sorted(ROOT.glob("*/apps.py"))
    if p.parent.name not in {"bureaus"}  # bureaus owns the scoping and may reach under it
]
# Raw, unscoped choices of another record; bureaus/ provides the scoped ones.
UNSCOPED_FIELDS = {"PrimaryKeyRelatedField", "ModelChoiceField", "ModelMultipleChoiceField"}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _name(node) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


def _findings(check):
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            message = check(node)
            if message:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {message}")
    return found


def test_no_raw_base_manager_outside_bureaus():
    """Reads go through `objects`; an unaudited write through `dangerously_unaudited()`."""

    def check(node):
        if isinstance(node, ast.Attribute) and node.attr == "_base_manager":
            return "use Model.objects (reads) or .dangerously_unaudited() (bookkeeping writes)"
        return None

    assert _findings(check) == []


def test_no_unscoped_related_fields_outside_bureaus():
    """A choice of another record is a ScopedModelChoiceField (forms) or a ScopedRelatedField /
    VisibleRelatedField (API), which limit it to the user's bureau."""

    def check(node):
        name = None
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                base_name = (
                    base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                )
                if base_name in UNSCOPED_FIELDS:
                    name = base_name
        if name in UNSCOPED_FIELDS:
            return f"{name}: use the scoped fields of bureaus.forms / bureaus.api.base"
        return None

    assert _findings(check) == []


def test_no_role_literals_outside_bureaus():
    """Who may do what is the permission table's (bureaus.permissions), never `role == "admin"`
    or `Membership.Role.ADMIN` in an app."""

    def check(node):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr == "role" for s in sides):
                return "compares a role: ask bureaus.permissions.membership_may(...)"
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "Role"
        ):
            return f"Role.{node.attr}: name an action of bureaus.permissions.ACTIONS instead"
        return None

    assert _findings(check) == []


def test_public_views_live_under_public():
    """A view marked @public (no login) is only ever served under /public/."""
    misplaced = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if _public_reason(pattern):
            route = str(pattern.pattern)
            full = next(
                (
                    str(p.pattern) + route
                    for p in get_resolver().url_patterns
                    if hasattr(p, "url_patterns") and pattern in _flatten(p)
                ),
                route,
            )
            if not full.startswith("public/"):
                misplaced.append(f"{name}: {full}")
    assert misplaced == []


def _flatten(resolver):
    for p in resolver.url_patterns:
        if hasattr(p, "url_patterns"):
            yield from _flatten(p)
        else:
            yield p


def test_a_scoped_page_cannot_drop_the_role_check():
    with pytest.raises(TypeError):

        class Sneaky(ScopedPageMixin):
            def dispatch(self, request, *args, **kwargs):
                return None


def test_a_scoped_viewset_cannot_drop_the_role_check():
    from rest_framework.permissions import IsAuthenticated

    with pytest.raises(TypeError):

        class Sneaky(ScopedViewSet):
            permission_object = "street"
            permission_classes = [IsAuthenticated]

    with pytest.raises(TypeError):

        class Sneakier(ScopedViewSet):
            permission_object = "street"

            def check_permissions(self, request):
                return None
