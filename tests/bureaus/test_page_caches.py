"""What the pages keep between requests (issue 11): each kept thing is a pure function of its
key, so a request never sees another's value, a role another role's menu, a language
another's labels, and nothing typed is kept."""

import pytest
from django import forms
from django.utils import translation

from bureaus import menus
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
