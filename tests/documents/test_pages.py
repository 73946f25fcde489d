"""Staff pages and API: the registry's list with filters and download, the seal (admin only,
checked by content, audited), and the issuing hooks of the institution registry."""

import io
import struct
import zlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from bureaus.models import AuditEvent
from documents.models import DocumentJob, IssuedDocument, Seal
from tests.documents.records import issue, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(tree, as_system):
    return {
        "a1": issue(tree.a, "甲区通知一"),
        "a2": issue(tree.a, "甲区名单", kind=IssuedDocument.Kind.LIST),
        "b1": issue(tree.b, "乙区通知一"),
    }


def login(client, user):
    client.force_login(user)
    return client


def test_list_filters_and_download(client, tree, documents):
    login(client, tree.user("a", "officer"))
    body = client.get(reverse("documents:document-list")).content.decode()
    assert "甲区通知一" in body and "甲区名单" in body and "乙区通知一" not in body
    body = client.get(reverse("documents:document-list"), {"kind": "list"}).content.decode()
    assert "甲区名单" in body and "甲区通知一" not in body
    number = documents["a1"].number
    body = client.get(reverse("documents:document-list"), {"number": number}).content.decode()
    assert "甲区通知一" in body and "甲区名单" not in body
    response = client.get(reverse("documents:document-pdf", args=[documents["a1"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == documents["a1"].file.read()
    sibling = reverse("documents:document-pdf", args=[documents["b1"].pk])
    assert client.get(sibling).status_code == 404


def test_city_supervisor_reads_its_districts_documents(client, tree, documents):
    login(client, tree.user("city", "supervisor"))
    body = client.get(reverse("documents:document-list")).content.decode()
    assert "甲区通知一" in body and "乙区通知一" in body
    assert (
        client.get(reverse("documents:document-pdf", args=[documents["b1"].pk])).status_code == 200
    )


def test_api_lists_filters_downloads_and_hides_siblings(tree, documents):
    api = APIClient()
    api.force_authenticate(tree.user("a", "inspector"))
    rows = api.get("/api/v1/documents/").json()["results"]
    assert {r["title"] for r in rows} == {"甲区通知一", "甲区名单"}
    rows = api.get("/api/v1/documents/", {"kind": "list"}).json()["results"]
    assert [r["title"] for r in rows] == ["甲区名单"]
    pdf = api.get(f"/api/v1/documents/{documents['a1'].pk}/pdf/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == documents["a1"].file.read()
    assert api.get(f"/api/v1/documents/{documents['b1'].pk}/").status_code == 404
    assert api.get(f"/api/v1/documents/{documents['b1'].pk}/pdf/").status_code == 404
    assert api.delete(f"/api/v1/documents/{documents['a1'].pk}/").status_code == 405


def test_superseded_is_marked_in_the_list(client, tree, documents, as_system):
    from documents import services

    services.document_supersede(
        actor=None,
        document=documents["a1"],
        kind="notice",
        title="甲区通知一（更正）",
        template="documents/pdf/notice.html",
        context={"paragraphs": ["更正"]},
        idempotency_key="fix",
    )
    login(client, tree.user("a", "officer"))
    body = client.get(reverse("documents:document-list")).content.decode()
    assert "已被替代" in body


def _upload(client, data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("documents:seal"), {"image": f})


def bomb_png(side=20000) -> bytes:
    """A small PNG that claims 20,000 × 20,000 pixels (a decompression bomb)."""
    raw = zlib.compress(b"\x00" * (side // 8 + 1) * 16, 9)

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


NOT_AN_IMAGE = "印章必须是 PNG 或 JPEG 图片（按文件内容判断，而非文件名）。"
TOO_LARGE = "印章图片的边长须在 50 到 2000 像素之间。"
BAD_SEALS = {
    "renamed executable": (b"MZ\x90\x00\x03\x00" + b"\x00" * 600, "seal.png", NOT_AN_IMAGE),
    "svg with script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="40"/></svg>',
        "seal.png",
        NOT_AN_IMAGE,
    ),
    "decompression bomb": (bomb_png(), "seal.png", TOO_LARGE),
    "too many pixels": (bomb_png(4000), "seal.png", TOO_LARGE),
}


@pytest.mark.parametrize("case", BAD_SEALS, ids=str)
def test_bad_seal_uploads_are_refused_in_chinese_and_change_nothing(client, tree, case):
    data, name, message = BAD_SEALS[case]
    login(client, tree.user("a", "admin"))
    events = AuditEvent.objects.count()
    response = _upload(client, data, name)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert not Seal.objects.exists()
    assert AuditEvent.objects.count() == events


def test_admin_uploads_a_seal_audited_and_used(client, tree, as_system, tmp_path):
    login(client, tree.user("a", "admin"))
    response = _upload(client, png_bytes((300, 300)), "印章.png")
    assert response.status_code == 302
    seal = Seal.objects.get(bureau=tree.a)
    assert AuditEvent.objects.filter(model="documents.seal", object_id=str(seal.pk)).exists()
    document = issue(tree.a, "盖新章")
    # The uploaded PNG is embedded as an image in the PDF (the drawn seal is vector).
    from pypdf import PdfReader

    images = [img for page in PdfReader(document.file.path).pages for img in page.images]
    assert any(img.image.size == (300, 300) for img in images)
    client.post(reverse("documents:seal"), {"reset": "1"})
    assert not Seal.objects.exists()


def test_only_the_admin_manages_the_seal(client, tree):
    for role in ("officer", "inspector", "auditor"):
        login(client, tree.user("a", role))
        assert client.get(reverse("documents:seal")).status_code == 403
        assert _upload(client, png_bytes(), "x.png").status_code == 403
    assert not Seal.objects.exists()


def test_list_pdf_from_the_staff_lists_page_queues_one_job(
    client, tree, django_capture_on_commit_callbacks
):
    login(client, tree.user("a", "officer"))
    assert client.get(reverse("institutions:list-document") + "?kind=black").status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("institutions:list-document"), {"kind": "black"})
        again = client.post(reverse("institutions:list-document"), {"kind": "black"})
    job = DocumentJob.objects.get()
    assert response["Location"] == reverse("documents:documentjob-detail", args=[job.pk])
    assert again["Location"] == response["Location"]
    assert job.bureau == tree.a and job.options["public"] is True
    assert job.options["topic"] == "institutions.black_list"
