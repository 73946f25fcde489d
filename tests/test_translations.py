"""One meaning per word: every (context, msgid) reads the same in every catalogue, and every
string marked for translation in our code and templates has its Simplified Chinese.

Django merges the catalogues of locale/ and each app's locale/ into one; when two catalogues give
the same msgid different Chinese, one silently wins everywhere (a closed tip-off once read 歇业,
an institution's "business closed"). A word with two meanings gets a pgettext context per
meaning instead (docs/adding-an-app.md, "Translations").
"""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from bureaus.context import acting, system_actor
from tests.catalogues import ROOT, catalogues, conflicts, marked_strings, read_po

FIXTURES = Path(__file__).parent / "fixtures" / "po_split"


def _describe(found):
    return "\n".join(
        f"{context + ' | ' if context else ''}{msgid!r}: "
        + "; ".join(f"{'/'.join(s)} in {', '.join(where)}" for s, where in variants.items())
        for (context, msgid), variants in found.items()
    )


def test_the_reader_reads_contexts_plurals_continuations_and_skips_fuzzy_and_obsolete():
    one = read_po(FIXTURES / "one/locale/zh_Hans/LC_MESSAGES/django.po")
    assert one[(None, "Closed")].msgstr == ["已关闭"]
    assert one[("tip-off status", "Open")].msgstr == ["办理中"]
    assert one[(None, "%(n)s photo")].translated  # zh has one plural form
    assert one[(None, "A long message on two lines.")].msgstr == ["一条长消息。"]
    two = read_po(FIXTURES / "two/locale/zh_Hans/LC_MESSAGES/django.po")
    assert not two[(None, "Untranslated")].translated
    assert (None, "Gone") not in two


def test_a_deliberately_split_msgid_is_caught():
    found = conflicts(catalogues(FIXTURES))
    assert list(found) == [(None, "Closed")]
    assert {s for (s,) in found[(None, "Closed")]} == {"已关闭", "歇业"}
    # The two meanings of "Open" carry their own contexts, so they may differ.
    assert ("tip-off status", "Open") not in found


def test_no_msgid_has_two_translations_across_the_catalogues():
    paths = catalogues()
    assert len(paths) >= 2, paths
    found = conflicts(paths)
    assert not found, "translated differently (give each meaning a context):\n" + _describe(found)


def _untranslated(root, paths):
    merged = {}
    for path in paths:
        for key, entry in read_po(path).items():
            if entry.translated:
                merged[key] = entry
    missing = {}
    for context, msgid, where in marked_strings(root):
        if (context, msgid) not in merged:
            missing.setdefault((context, msgid), []).append(str(where))
    return missing


def test_every_marked_string_has_its_chinese():
    missing = _untranslated(ROOT, catalogues())
    assert not missing, "no zh_Hans translation:\n" + "\n".join(
        f"{c + ' | ' if c else ''}{m!r} ({w[0]})" for (c, m), w in missing.items()
    )


def test_a_string_without_translation_is_caught(tmp_path):
    (tmp_path / "app" / "templates" / "app").mkdir(parents=True)
    (tmp_path / "app" / "templates" / "app" / "page.html").write_text(
        '{% load i18n %}{% translate "Closed" %} {% translate "Open" context "tip-off status" %}'
        " {% blocktranslate with n=1 %}New {{ n }}{% endblocktranslate %}"
        ' {% translate "Open" context "door" %}',
        encoding="utf-8",
    )
    (tmp_path / "app" / "views.py").write_text(
        "from django.utils.translation import gettext_lazy as _, pgettext_lazy\n"
        'A = _("Closed")\nB = pgettext_lazy("fund warning status", "Open")\nC = _("Forgotten")\n',
        encoding="utf-8",
    )
    missing = _untranslated(tmp_path, catalogues(FIXTURES))
    assert set(missing) == {(None, "New %(n)s"), ("door", "Open"), (None, "Forgotten")}


@pytest.mark.django_db
def test_a_closed_tip_off_reads_closed_everywhere(tree):
    from complaints.models import Complaint, ComplaintEvent
    from institutions.models import Institution
    from tests.complaints.records import make_complaint

    with translation.override("zh-hans"):
        assert Complaint.Status.CLOSED.label == "已关闭"
        assert ComplaintEvent.Kind.CLOSED.label == "已关闭"
        assert Institution.Status.CLOSED.label == "歇业"
    with acting(system_actor("tests")):
        make_complaint(tree.a, "已归档的举报", status="closed")
    client = Client()
    client.force_login(tree.user("a", "officer"))
    body = client.get("/complaints/", {"status": "closed"}).content.decode()
    assert "已归档的举报" in body
    assert "已关闭" in body and "歇业" not in body
