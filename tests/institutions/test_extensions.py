"""Extension points: warnings and panels the apps above the registry add to an institution."""

import pytest
from django.urls import reverse

from bureaus.models import AuditEvent
from institutions import extensions
from institutions.models import Institution
from institutions.services.registry import institution_refresh_warnings

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(monkeypatch):
    """A source registered for this test only (the registries are module state)."""
    monkeypatch.setattr(extensions, "_labels", dict(extensions._labels))
    monkeypatch.setattr(
        extensions, "PANELS", {page: panels.copy() for page, panels in extensions.PANELS.items()}
    )
    extensions.register_warnings("testsrc", {"red": "资金红色预警", "late": "课程超时"})
    return "testsrc"


def codes(institution):
    return Institution.objects.values_list("warning_codes", flat=True).get(pk=institution.pk)


def test_set_many_replaces_only_its_own_codes_and_a_second_run_writes_nothing(
    source, make_institution
):
    one = make_institution(name="甲机构")
    two = make_institution(name="乙机构")
    own = codes(one)
    assert (
        extensions.set_warnings_many(
            source=source,
            codes_by_institution={one.pk: ["red", "late"], two.pk: ["late"]},
            institution_ids=[one.pk, two.pk],
        )
        == 2
    )
    assert codes(one) == [*own, "testsrc:late", "testsrc:red"]
    events = AuditEvent.objects.count()
    again = extensions.set_warnings_many(
        source=source,
        codes_by_institution={one.pk: ["late", "red"], two.pk: ["late"]},
        institution_ids=[one.pk, two.pk],
    )
    assert again == 0 and AuditEvent.objects.count() == events
    # Looked at and found clean: this source's codes go, the registry's stay.
    extensions.set_warnings_many(
        source=source, codes_by_institution={two.pk: ["late"]}, institution_ids=[one.pk, two.pk]
    )
    assert codes(one) == own and codes(two)[-1] == "testsrc:late"


def test_the_registrys_own_recomputation_keeps_other_apps_codes(source, make_institution):
    one = make_institution(name="甲机构")
    extensions.set_warnings(institution=one, source=source, codes=["red"])
    one.refresh_from_db()
    assert "testsrc:red" in institution_refresh_warnings(institution=one)
    assert "testsrc:red" in codes(one)


def test_unregistered_codes_are_refused(source, make_institution):
    one = make_institution(name="甲机构")
    with pytest.raises(ValueError):
        extensions.set_warnings(institution=one, source=source, codes=["unknown"])
    with pytest.raises(ValueError):
        extensions.register_warnings("bad:source", {})


def test_warnings_and_panels_show_on_the_staff_and_public_pages(
    source, make_institution, client, tree
):
    one = make_institution(name="甲机构", status="normal")
    other = make_institution(name="乙机构", status="normal")
    extensions.set_warnings(institution=one, source=source, codes=["red"])
    extensions.register_panel(
        page="staff",
        template="institutions/_panel.html",
        context=lambda request, institution: (
            {"title": "内部", "items": [{"text": f"内部面板{institution.name}"}]}
            if institution.pk == one.pk
            else None
        ),
    )
    extensions.register_panel(
        page="public",
        template="institutions/_panel.html",
        context=lambda request, row: {
            "title": "公开",
            "items": [{"text": f"公开面板{row['name']}<b>"}],
        },
    )
    client.force_login(tree.user("a", "officer"))
    body = client.get(reverse("institutions:institution-detail", args=[one.pk])).content.decode()
    assert "资金红色预警" in body and "内部面板甲机构" in body
    body = client.get(reverse("institutions:institution-detail", args=[other.pk])).content.decode()
    assert "内部面板" not in body and "资金红色预警" not in body
    listed = client.get(
        reverse("institutions:institution-list"), {"warning": "testsrc:red"}
    ).content.decode()
    assert "甲机构" in listed and "乙机构" not in listed
    client.logout()
    body = client.get(reverse("public_institutions:detail", args=[one.pk])).content.decode()
    assert "公开面板甲机构&lt;b&gt;" in body
