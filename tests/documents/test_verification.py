"""Verification: the public page by token, the upload check, and the PAdES signature."""

import io
import os

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from bureaus.context import acting, system_actor
from documents import services, signing
from documents.models import PlatformAuthority
from tests.documents.records import issue

pytestmark = pytest.mark.django_db


def changed(data: bytes, at: int | None = None) -> bytes:
    bad = bytearray(data)
    i = len(bad) // 2 if at is None else at
    bad[i] = (bad[i] + 1) % 256
    return bytes(bad)


def upload(client, data: bytes, url=None):
    return client.post(
        url or reverse("public_documents:verify-upload"),
        {"file": io.BytesIO(data)},
        format="multipart",
    )


def outcome(response) -> str:
    body = response.content.decode()
    marker = 'data-testid="verdict" data-outcome="'
    assert marker in body, body[:2000]
    return body.split(marker, 1)[1].split('"', 1)[0]


@pytest.fixture
def document(tree, as_system):
    return issue(tree.a, "关于开展校外培训专项检查的通知", recipient="各街道")


def _validate(data: bytes):
    ca = PlatformAuthority.objects.get()
    roots = signing._pem_certs(ca.certificate_pem)
    embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0]
    return validate_pdf_signature(embedded, ValidationContext(trust_roots=roots))


def test_pyhanko_validates_the_signature_and_it_fails_after_one_byte(document):
    data = document.file.read()
    status = _validate(data)
    assert status.intact and status.valid and status.trusted
    assert status.signer_reported_dt is not None
    assert status.coverage.name == "ENTIRE_FILE"
    # A byte inside the signed range (the middle of the page content).
    bad = changed(data, at=len(data) // 4)
    status = _validate(bad)
    assert not (status.intact and status.valid)
    assert not signing.signature_check(bad).valid
    assert signing.signature_check(data).valid


def test_genuine_file_is_genuine_and_one_changed_byte_is_modified(client, document):
    data = document.file.read()
    response = upload(client, data)
    assert response.status_code == 200
    assert outcome(response) == "genuine"
    body = response.content.decode()
    assert document.number in body and "西湖区教育局" in body and document.sha256 in body
    assert "真实且未被修改" in body
    assert "数字签名：有效，签名单位为西湖区教育局" in body
    modified = upload(client, changed(data, at=len(data) // 4))
    assert outcome(modified) == "modified"
    assert "数字签名：无效" in modified.content.decode()
    assert "已被修改" in modified.content.decode()
    assert document.number in modified.content.decode()


def test_file_with_an_appended_update_is_modified(client, document):
    data = document.file.read() + b"\n% appended\n"
    assert outcome(upload(client, data)) == "modified"


def test_random_file_and_unknown_token_are_unknown_never_500(client, document):
    for data in (os.urandom(5000), b"%PDF-1.7\n" + os.urandom(3000), b"MZ\x90\x00" * 100):
        response = upload(client, data)
        assert response.status_code == 200
        assert outcome(response) == "unknown"
        assert "未知" in response.content.decode()
    unknown_number = document.number.replace("1号", "99号")
    for token in ("x" * 32, "nope", "A" * 500, "%3Cscript%3E", unknown_number, document.number):
        response = client.get(f"/public/documents/verify/{token}/")
        assert response.status_code == 404
        assert outcome(response) == "unknown"
    empty = client.post(reverse("public_documents:verify-upload"), {})
    assert empty.status_code == 200


def test_token_page_shows_public_fields_only_and_supersession(client, tree, document):
    url = reverse("public_documents:verify", args=[document.token])
    body = client.get(url).content.decode()
    assert document.number in body and document.title in body and document.sha256 in body
    assert "各街道" not in body  # the recipient is not public
    assert "特此通知" not in body  # nor the body
    with_token = upload(client, document.file.read(), url=url)
    assert outcome(with_token) == "genuine"
    with acting(system_actor("tests")):
        new = services.document_supersede(
            actor=None,
            document=document,
            kind=document.kind,
            title="更正",
            template="documents/pdf/notice.html",
            context={"paragraphs": ["更正。"]},
            idempotency_key="fix",
        )
    body = client.get(url).content.decode()
    assert new.number in body and "已被" in body


def test_public_pdf_only_for_public_documents(client, tree, document, as_system):
    assert client.get(reverse("public_documents:pdf", args=[document.token])).status_code == 404
    listed = issue(tree.a, "名单", kind="list", public=True, topic="institutions.black_list")
    response = client.get(reverse("public_documents:pdf", args=[listed.token]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == listed.file.read()


def test_verification_address_in_the_pdf_is_the_token_page(document, tmp_path):
    data = document.file.read()
    assert f"JGDOC{document.token.encode().hex()}".encode() in data
    from tests.documents.conftest import pdftotext, squeeze

    assert f"/public/documents/verify/{document.token}/" in squeeze(pdftotext(data, tmp_path))


def test_checks_are_rate_limited_per_address(client, document):
    from documents.public_views import CHECKS_PER_MINUTE

    data = document.file.read()
    for _ in range(CHECKS_PER_MINUTE):
        assert outcome(upload(client, data)) == "genuine"
    refused = upload(client, data)
    assert refused.status_code == 200
    assert "您的核验次数过多" in refused.content.decode()
    assert 'data-testid="verdict"' not in refused.content.decode()


def test_pdfsig_validates_the_file_and_rejects_a_changed_one(document, tmp_path):
    import subprocess

    data = document.file.read()
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    bad.write_bytes(changed(data, at=len(data) // 4))
    out = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out and "西湖区教育局" in out
    out = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in out
