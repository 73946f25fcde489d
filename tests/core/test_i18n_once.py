"""`{% load i18n i18n_once %}` (core/templatetags/i18n_once.py, issue 11): `{% translate %}`
renders what Django's renders, in every language and every form of the tag, and a constant
message is translated once per language, not on every render."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from core.templatetags import i18n_once

FORMS = [
    '{% translate "Filter" %}',
    "{% translate 'Filter' %}",
    '{% trans "Filter" %}',
    '{% translate "Open" context "tip-off status" %}',
    '{% translate "Pages" context "pagination" %}',
    '{% translate "Filter" noop %}',
    '{% translate "Filter" as label %}[{{ label }}]',
    '{% translate "Filter"|upper %}',
    "{% translate message %}",
    '{% translate "100%% sure <b>" %}',
    "{% autoescape off %}{% translate message %}{% endautoescape %}",
]


@pytest.mark.parametrize("source", FORMS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_renders_as_djangos_translate(source, language):
    context = {"message": "Search <i>"}
    with translation.override(language):
        django = Template("{% load i18n %}" + source).render(Context(context))
        once = Template("{% load i18n i18n_once %}" + source)
        assert once.render(Context(context)) == django
        assert once.render(Context(context)) == django  # kept, the same


def test_a_constant_is_translated_once_per_language(monkeypatch):
    template = Template('{% load i18n i18n_once %}{% translate "Filter" %}')
    with translation.override("zh-hans"):
        first = template.render(Context())
    calls = []
    real = i18n_once.TranslateNode.render
    monkeypatch.setattr(
        i18n_once.TranslateNode, "render", lambda self, c: calls.append(1) or real(self, c)
    )
    with translation.override("zh-hans"):
        assert template.render(Context()) == first == "筛选"
    assert calls == []
    with translation.override("en"):
        assert template.render(Context()) == "Filter"
    assert calls == [1]
    # A setting changed: nothing kept before is used again.
    with override_settings(LANGUAGE_CODE="en"), translation.override("zh-hans"):
        assert template.render(Context()) == "筛选"
    assert calls == [1, 1]
