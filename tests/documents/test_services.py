"""Issuing: the PDF's text, its number, the seal, the registry's append-only rule."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone

from core.numbering import peek_number
from documents import services, signing
from documents.models import IssuedDocument
from tests.documents.conftest import pdftotext, squeeze
from tests.documents.records import issue

pytestmark = pytest.mark.django_db


def rows(n):
    return [
        [str(i), f"测试培训机构{i:03d}", f"91330106MA{i:08d}", "西湖区文三路", "无证办学"]
        for i in range(1, n + 1)
    ]


def test_pdf_text_has_number_bureau_date_and_rows(tree, as_system, tmp_path):
    document = issue(
        tree.a,
        "关于公布校外培训机构黑名单的通知",
        template="documents/pdf/table.html",
        context={
            "paragraphs": ["现将黑名单公布如下。"],
            "columns": ["序号", "机构名称", "统一社会信用代码", "地址", "事由"],
            "rows": rows(3),
            "closing": [],
        },
        recipient="各街道",
    )
    data = document.file.read()
    text = squeeze(pdftotext(data, tmp_path))
    year = timezone.localdate().year
    assert document.number == f"西教监〔{year}〕1号"
    assert document.number in text
    assert "西湖区教育局" in text
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    for row in rows(3):
        assert row[1] in text and row[2] in text
    assert "各街道：" in text
    assert "第1页共1页" in text
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.pages == 1


def test_numbers_are_consecutive_per_kind_and_bureau(tree, as_system):
    first = issue(tree.a, "一")
    second = issue(tree.a, "二")
    other_kind = issue(tree.a, "名单", kind=IssuedDocument.Kind.LIST)
    other_bureau = issue(tree.b, "上城一")
    assert (first.serial, second.serial, other_kind.serial, other_bureau.serial) == (1, 2, 1, 1)
    assert other_kind.number.startswith("西教监公〔") and other_bureau.number.startswith("上教监〔")


def test_same_idempotency_key_issues_once(tree, as_system):
    first = issue(tree.a, "一", key="k1")
    again = issue(tree.a, "一", key="k1")
    assert first.pk == again.pk
    assert IssuedDocument.objects.count() == 1
    assert peek_number(bureau=tree.a, kind="notice", year=first.year) == 1


def test_failed_render_burns_no_number(tree, as_system):
    with pytest.raises(TemplateDoesNotExist):
        issue(tree.a, "坏模板", template="documents/pdf/does-not-exist.html")
    assert peek_number(bureau=tree.a, kind="notice", year=timezone.localdate().year) == 0
    assert issue(tree.a, "好").serial == 1


def test_registry_is_append_only(tree, as_system):
    document = issue(tree.a, "原件")
    with pytest.raises(ValueError):
        document.save()
    with pytest.raises(ValueError):
        document.delete()
    # Even a raw UPDATE is refused by the database trigger.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE documents_issueddocument SET title = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic():
        IssuedDocument.objects.filter(pk=document.pk).update(title="改")
    document.refresh_from_db()
    assert document.title == "原件"


def test_supersede_keeps_the_old_and_links_the_new(tree, as_system):
    old = issue(tree.a, "原件")
    new = services.document_supersede(
        actor=None,
        document=old,
        kind=old.kind,
        title="更正件",
        template="documents/pdf/notice.html",
        context={"paragraphs": ["更正。"]},
        idempotency_key="fix-1",
    )
    assert new.supersedes_id == old.pk and old.superseded_by == new
    with pytest.raises(ValidationError):
        services.document_supersede(
            actor=None,
            document=old,
            kind=old.kind,
            title="再改",
            template="x",
            context={},
            idempotency_key="fix-2",
        )


def test_key_is_encrypted_at_rest_and_created_once(tree, as_system):
    issue(tree.a, "一")
    issue(tree.a, "二")
    key = signing.signing_key_for(tree.a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_pem FROM documents_signingkey WHERE id = %s", [key.pk])
        stored = cursor.fetchone()[0]
    assert "PRIVATE KEY" not in stored and "PRIVATE KEY" in key.private_key_pem
    assert tree.a.pk and key.source == "platform"
    from documents.models import SigningKey

    assert SigningKey.objects.filter(bureau=tree.a).count() == 1


def test_uniqueness_of_number_is_enforced_by_the_database(tree, as_system):
    document = issue(tree.a, "一")
    clone = IssuedDocument(
        bureau=tree.a,
        kind=document.kind,
        year=document.year,
        serial=document.serial,
        number="x",
        title="x",
        issued_at=document.issued_at,
        issued_on=document.issued_on,
        sha256="0" * 64,
        pages=1,
        idempotency_key="other",
        signer_fingerprint="x",
        file=document.file.name,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()
