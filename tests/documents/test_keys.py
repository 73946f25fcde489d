"""Signing keys: a bureau installs a certificate issued by its own CA; the platform CA is made
once by `manage.py documents_ca`."""

import datetime as dt
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.core.management.base import CommandError

from documents import signing
from documents.models import PlatformAuthority, SigningKey
from tests.documents.records import issue

pytestmark = pytest.mark.django_db


def _cert(subject, issuer, public_key, signing_key, *, ca):
    now = dt.datetime.now(dt.UTC)
    name = lambda cn: x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, cn)])  # noqa: E731
    return (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(signing._usage(sign_certs=ca), critical=True)
        .sign(signing_key, hashes.SHA256())
    )


def _pem(obj):
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM).decode()
    return signing._key_pem(obj)


def test_documents_ca_command_creates_one_ca():
    out = io.StringIO()
    call_command("documents_ca", "--print", stdout=out)
    call_command("documents_ca")
    assert PlatformAuthority.objects.count() == 1
    assert "BEGIN CERTIFICATE" in out.getvalue()


def test_installed_certificate_signs_and_validates(tree, as_system, tmp_path):
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("某省电子政务CA", "某省电子政务CA", root_key.public_key(), root_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("西湖区教育局", "某省电子政务CA", key.public_key(), root_key, ca=False)
    for name, text in (("c.pem", _pem(cert)), ("k.pem", _pem(key)), ("r.pem", _pem(root))):
        (tmp_path / name).write_text(text)
    out = io.StringIO()
    call_command(
        "documents_install_key",
        tree.a.code,
        f"--cert={tmp_path / 'c.pem'}",
        f"--key={tmp_path / 'k.pem'}",
        f"--chain={tmp_path / 'r.pem'}",
        stdout=out,
    )
    installed = SigningKey.objects.get(bureau=tree.a, active=True)
    assert installed.source == SigningKey.Source.INSTALLED
    document = issue(tree.a, "用自有证书签名")
    assert document.signer_fingerprint == installed.fingerprint
    check = signing.signature_check(document.file.read())
    assert check.valid and check.trusted and check.signer == "西湖区教育局"


def test_a_certificate_of_another_key_is_refused(tree, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("西湖区教育局", "西湖区教育局", other.public_key(), other, ca=False)
    (tmp_path / "c.pem").write_text(_pem(cert))
    (tmp_path / "k.pem").write_text(_pem(key))
    with pytest.raises(CommandError):
        call_command(
            "documents_install_key",
            tree.a.code,
            f"--cert={tmp_path / 'c.pem'}",
            f"--key={tmp_path / 'k.pem'}",
        )
    assert not SigningKey.objects.filter(bureau=tree.a).exists()


def test_pyhanko_calls_work_inside_a_running_event_loop():
    """pyHanko's sync wrappers call asyncio.run(); under a running loop they go to a thread."""
    import asyncio

    def sync_wrapper():
        return asyncio.run(asyncio.sleep(0, result="signed"))

    async def inside_a_loop():
        return signing._outside_event_loop(sync_wrapper)

    assert asyncio.run(inside_a_loop()) == "signed"
    assert signing._outside_event_loop(sync_wrapper) == "signed"
