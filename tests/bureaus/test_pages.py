"""Staff pages of the bureaus app: forms with Chinese field errors and pinned query counts."""

import pytest
from django.urls import reverse

from bureaus.context import acting, system_actor
from bureaus.models import Department, Street


def test_street_form_errors_are_field_level_and_chinese(client, tree):
    with acting(system_actor("tests")):
        Street.objects.create(bureau=tree.a, name="北山街道")
    client.force_login(tree.user("a", "admin"))
    response = client.post(reverse("bureaus:street-create"), {"name": ""})
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()
    response = client.post(reverse("bureaus:street-create"), {"name": "北山街道"})
    assert "本区已有同名街道（乡镇）。" in response.content.decode()
    assert Street.objects.filter(name="北山街道").count() == 1


def test_officer_may_read_but_not_edit_streets(client, tree):
    client.force_login(tree.user("a", "officer"))
    assert client.get(reverse("bureaus:street-list")).status_code == 200
    assert client.get(reverse("bureaus:street-create")).status_code == 403


@pytest.fixture
def filled(tree):
    with acting(system_actor("tests")):
        for i in range(30):
            Street.objects.create(bureau=tree.a, name=f"街道{i}")
            Department.objects.create(bureau=tree.a, name=f"部门{i}", kind="fire")
    return tree


@pytest.mark.parametrize(
    ("name", "role", "queries"),
    [
        # Officers and superiors are sent on to their dashboard (tests/reports).
        ("home", "inspector", 4),
        # Administrators' pages: one more, the session's TOTP device (second factor).
        ("bureaus:street-list", "admin", 6),
        ("bureaus:department-list", "admin", 6),
        ("bureaus:membership-list", "admin", 6),
        ("bureaus:auditevent-list", "auditor", 6),
    ],
)
def test_page_query_counts_are_pinned(
    client, filled, django_assert_num_queries, name, role, queries
):
    client.force_login(filled.user("a", role))
    with django_assert_num_queries(queries):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    "name, role, cells",
    [
        ("bureaus:street-list", "admin", 3),
        ("bureaus:department-list", "admin", 3),
        ("bureaus:membership-list", "security", 6),
        ("bureaus:user-list", "security", 5),
    ],
)
def test_list_header_cells_are_in_the_table_only(client, tree, name, role, cells):
    # The lists' header block once shared its name with base.html's <head> block, so the
    # header cells were written into <head> as well and showed as stray text above the page.
    client.force_login(tree.user("a", role))
    body = client.get(reverse(name)).content.decode()
    head, page = body.split("</head>")
    assert "<th" not in head
    thead = page.split("<thead>")[1].split("</thead>")[0]
    assert thead.count("<th") == cells
