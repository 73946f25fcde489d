"""Saved filters of the staff lists (core.tables, core.models.SavedFilter; issue 9 item 3):
saved under a name per user and list, re-applied from the list's menu, deleted; another user
never sees them; a parameter the list no longer knows is dropped, not a 500; one query per
list page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from bureaus.context import acting, system_actor
from core.models import SavedFilter
from tests.clients import statements
from tests.complaints.records import make_complaint
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

INBOX = "/complaints/"
REGISTRY = "/institutions/"
ORDERS = "/complaints/supervision/"
SAVE = reverse("core:savedfilter-save")


@pytest.fixture
def complaints(tree):
    with acting(system_actor("tests")):
        today = dt.date.today()
        for n in range(4):
            make_complaint(tree.a, f"甲区机构{n:02d}", due_on=today + dt.timedelta(days=n))


def _save(client, list_key, name, query, next_url):
    return client.post(SAVE, {"list_key": list_key, "name": name, "query": query, "next": next_url})


def _menu(response):
    body = response.content.decode()
    start = body.index('data-testid="saved-filters"')
    return body[start : body.index("</details>", start)]


def test_save_apply_and_delete(client, tree, complaints):
    client.force_login(tree.user("a", "officer"))
    response = _save(client, "complaints", "我的逾期", "overdue=yes&sort=-due_on&page=3", INBOX)
    # Back on the list with the filter applied (the page number is not part of a filter).
    assert response.status_code == 302
    assert response["Location"] == INBOX + "?overdue=yes&sort=-due_on"
    saved = SavedFilter.objects.get()
    assert (saved.user, saved.bureau, saved.list_key) == (
        tree.user("a", "officer"),
        tree.a,
        "complaints",
    )
    menu = _menu(client.get(INBOX))
    assert "我的逾期" in menu and 'href="?overdue=yes&amp;sort=-due_on"' in menu
    # The same name again replaces the query, not a second row.
    _save(client, "complaints", "我的逾期", "overdue=yes", INBOX)
    assert SavedFilter.objects.get().query == "overdue=yes"
    # Only on its own list.
    assert "我的逾期" not in _menu(client.get(ORDERS))
    response = client.post(reverse("core:savedfilter-delete", args=[saved.pk]), {"next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    assert not SavedFilter.objects.exists()


def test_another_user_never_sees_or_deletes_them(client, tree, complaints):
    owner = tree.user("a", "officer")
    client.force_login(owner)
    _save(client, "complaints", "只给我看", "status=received", INBOX)
    saved = SavedFilter.objects.get()
    with acting(system_actor("tests")):
        colleague = make_user("a-officer-2", tree.a, "officer")
    for user in (colleague, tree.user("a", "admin"), tree.user("city", "supervisor")):
        client.force_login(user)
        assert "只给我看" not in _menu(client.get(INBOX))
        url = reverse("core:savedfilter-delete", args=[saved.pk])
        assert client.post(url, {"next": INBOX}).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_a_parameter_the_list_no_longer_knows_is_ignored(client, tree, complaints):
    client.force_login(tree.user("a", "officer"))
    _save(client, "complaints", "旧的", "status=received", INBOX)
    # As if the list had had a filter since removed, and a value it no longer offers.
    SavedFilter.objects.update(query="retired_filter=1&status=no-such-status&sort=gone&q=甲区")
    menu = _menu(client.get(INBOX))
    link = re.search(r'<a href="(\?[^"]*)">旧的</a>', menu).group(1).replace("&amp;", "&")
    assert "retired_filter" not in link and "q=" in link
    response = client.get(INBOX + link)
    assert response.status_code == 200
    # And the stored query itself, unfiltered, does not break the list either.
    assert (
        client.get(INBOX + "?retired_filter=1&status=no-such-status&sort=gone").status_code == 200
    )


def test_bad_input_is_refused_without_a_row(client, tree):
    client.force_login(tree.user("a", "officer"))
    for list_key, name in (("complaints", ""), ("no-such-list", "名字"), ("complaints", "长" * 51)):
        response = _save(client, list_key, name, "status=received", INBOX)
        assert response.status_code == 302 and response["Location"] == INBOX
    # Back elsewhere than this site: the home page instead.
    response = _save(client, "complaints", "名字", "", "https://example.org/")
    assert response["Location"] == reverse("home")
    assert SavedFilter.objects.count() == 1  # only the last, with a good name
    assert client.get(SAVE).status_code == 405
    client.logout()
    assert _save(client, "complaints", "名字", "", INBOX).status_code == 302
    assert SavedFilter.objects.count() == 1


@pytest.mark.parametrize("url", [INBOX, REGISTRY, ORDERS])
def test_every_table_list_has_the_menu_at_one_query(client, tree, complaints, url):
    client.force_login(tree.user("a", "officer"))
    reads = [sql for sql in statements(client, url) if "core_savedfilter" in sql]
    assert len(reads) == 1
    assert 'data-testid="saved-filters"' in client.get(url).content.decode()
