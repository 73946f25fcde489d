"""What the pages keep between requests (issue 11): each kept thing is a pure function of its
key, so a request never sees another's value, a role another role's menu, a language
another's labels, and nothing typed is kept."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext_lazy

from bureaus import menus
from bureaus.models import Street
from bureaus.templatetags import ui

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")])
    name = forms.CharField(required=False)


def test_a_select_is_kept_per_value_and_nothing_typed_is_kept():
    ui._RENDERED.clear()
    first = ui.bs(_Form({"kind": "a"})["kind"])
    second = ui.bs(_Form({"kind": "b"})["kind"])
    assert 'value="a" selected' in first and 'value="a" selected' not in second
    assert 'value="b" selected' in second
    assert ui.bs(_Form({"kind": "a"})["kind"]) == first
    invalid = ui.bs(_Form({"kind": "x"})["kind"])  # not a choice: the error shows
    assert "is-invalid" in invalid and "is-invalid" not in first
    typed = ui.bs(_Form({"kind": "a", "name": "张三"})["name"])
    assert 'value="张三"' in typed
    assert not any("张三" in repr(key) for key in ui._RENDERED)
    assert 'value="张三"' not in ui.bs(_Form({"kind": "a", "name": ""})["name"])


class _LazyForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("", gettext_lazy("All")), ("yes", gettext_lazy("Yes")), ("x", "<甲>")],
        required=False,
    )
    overdue = forms.NullBooleanField(widget=forms.NullBooleanSelect)


def test_a_select_of_lazy_labels_is_kept_per_language_untranslated():
    """A select's key holds a lazy translation as its message, not its text (nothing is
    translated to make the key): each language still gets its own markup, the widget's own."""
    ui._RENDERED.clear()
    for language in ("zh-hans", "en", "zh-hans", "en"):
        with translation.override(language):
            for data in ({"answer": "yes", "overdue": "true"}, {"answer": "", "overdue": ""}):
                form = _LazyForm(data)
                for name in ("answer", "overdue"):
                    field = form[name]
                    expected = field.as_widget(attrs={"class": "form-select"})
                    assert ui.bs(field) == expected
    assert len(ui._RENDERED) == 2 * 2 * 2  # language × value × field
    assert not any("全部" in repr(key) or "未知" in repr(key) for key in ui._RENDERED)
    with translation.override("zh-hans"):
        assert "全部" in ui.bs(_LazyForm({"answer": "yes"})["answer"])
    with translation.override("en"):
        assert ">All<" in ui.bs(_LazyForm({"answer": "yes"})["answer"])


def test_translated_keeps_a_lazy_translation_per_language(settings):
    with translation.override("zh-hans"):
        assert ui.translated(gettext_lazy("All")) == "全部"
        assert ui.translated("All") == "All"
    with translation.override("en"):
        assert ui.translated(gettext_lazy("All")) == "All"
    settings.LANGUAGE_CODE = settings.LANGUAGE_CODE  # a setting changed: nothing kept
    assert not ui._TRANSLATED


def test_menus_are_kept_per_role_and_language(tree):
    officer = tree.user("a", "officer").memberships.get()
    auditor = tree.user("a", "auditor").memberships.get()

    def labels(membership):
        return [link["label"] for menu in menus.menus_for(membership) for link in menu.entries]

    with translation.override("zh-hans"):
        chinese = labels(officer)
        assert labels(auditor) != chinese
    with translation.override("en"):
        english = labels(officer)
    assert len(english) == len(chinese) and english != chinese
    with translation.override("zh-hans"):
        assert labels(officer) == chinese
    # the current entry is marked per request, never kept
    current = [m.key for m in menus.menus_for(officer, "/complaints/") if m.current]
    assert current == ["complaints"]
    assert not [m for m in menus.menus_for(officer, "/") if m.current]


def test_a_street_select_is_kept_per_choices_with_its_one_query(tree, as_system, client):
    """The registry's street filter (a queryset's choices) is kept by the options it shows,
    with the list's other filter fields (institutions.views.registry.filter_fields): each
    district's officer sees only its own streets, from the cache as well, and the page runs as
    many queries whether the markup was kept or not."""
    from institutions.views import registry

    Street.objects.create(bureau=tree.a, name="北山街道")
    Street.objects.create(bureau=tree.b, name="湖滨街道")
    registry._FILTER_FIELDS.clear()

    def street_select(key):
        client.force_login(tree.user(key, "officer"))
        body = client.get("/institutions/").content.decode()
        return body.split('name="street"')[1].split("</select>")[0]

    first_a = street_select("a")
    assert "北山街道" in first_a and "湖滨街道" not in first_a
    first_b = street_select("b")
    assert "湖滨街道" in first_b and "北山街道" not in first_b
    client.force_login(tree.user("a", "officer"))
    client.get("/institutions/")  # the memberships, kept in Redis from the first request
    registry._FILTER_FIELDS.clear()
    with CaptureQueriesContext(connection) as drawn:
        client.get("/institutions/")
    kept = dict(registry._FILTER_FIELDS)
    assert any("北山街道" in html for html in kept.values())
    with CaptureQueriesContext(connection) as from_cache:
        client.get("/institutions/")
    assert len(from_cache.captured_queries) == len(drawn.captured_queries)
    assert kept == registry._FILTER_FIELDS
    assert street_select("a") == first_a and street_select("b") == first_b


def test_a_select_of_people_is_never_kept():
    from django.contrib.auth import get_user_model

    class _People(forms.Form):
        who = forms.ModelChoiceField(queryset=get_user_model().objects.none())

    ui._RENDERED.clear()
    ui.bs(_People()["who"])
    assert not ui._RENDERED


def test_assets_and_routes_are_the_static_and_url_tags_and_follow_the_settings(settings):
    from django.templatetags.static import static
    from django.urls import reverse

    assert ui.asset("css/jianguan.css") == static("css/jianguan.css")
    assert ui.route("home") == reverse("home")
    settings.STATIC_URL = "/elsewhere/"
    assert ui.asset("css/jianguan.css") == static("css/jianguan.css")
    assert ui.asset("css/jianguan.css").startswith("/elsewhere/")


def test_the_navigation_is_kept_per_role_language_and_current_entry(tree):
    from django.urls import reverse

    from tests.clients import page_client

    plain = reverse("password_change")  # a page of no menu entry

    def nav(client, path):
        body = client.get(path).content.decode()
        return body.split('<ul class="navbar-nav me-auto">')[1].split("</ul>\n      <ul")[0]

    ui._NAV.clear()
    officer, auditor = (
        page_client(tree.user("a", "officer")),
        page_client(tree.user("a", "auditor")),
    )
    inbox = nav(officer, "/complaints/")
    assert 'data-menu="complaints"' in inbox and 'aria-current="true"' in inbox
    home = nav(officer, plain)
    assert 'aria-current="true"' not in home and home != inbox
    assert nav(auditor, plain) != home  # another role, other entries
    english = page_client(tree.user("a", "officer"))
    english.cookies["django_language"] = "en"
    assert nav(english, plain) != home
    kept = len(ui._NAV)
    assert kept == 4
    # Drawn again from the cache: the same markup, nothing more kept.
    assert nav(officer, "/complaints/") == inbox and nav(officer, plain) == home
    assert len(ui._NAV) == kept
    ui._NAV.clear()
    assert nav(officer, "/complaints/") == inbox


def test_display_is_get_foo_display_in_each_language(tree):
    from bureaus.models import Membership

    member = tree.user("a", "officer").memberships.first()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for role, _label in Membership.Role.choices:
                member.role = role
                assert ui.display(member, "role") == member.get_role_display()
