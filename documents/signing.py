"""PAdES signatures: the platform CA, each bureau's key and certificate, signing and checking.

Guarantees: private keys are stored only encrypted (bureaus.crypto, the field-encryption key);
a bureau's key is created on first use and certified by the platform CA; `signature_check`
never raises on a damaged file, it reports it as not valid.
"""

import asyncio
import datetime as dt
import functools
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction

from documents.models import PlatformAuthority, SigningKey

CA_NAME = "Jianguan Platform CA"
CERT_YEARS = 10


def _name(common_name: str, unit: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not sign_certs,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _cert_pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def fingerprint(cert_pem: str) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    return cert.fingerprint(hashes.SHA256()).hex()


def platform_authority() -> PlatformAuthority:
    """The platform CA, created on first use (`make run` creates it at start-up)."""
    existing = PlatformAuthority.objects.order_by("pk").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        # One CA even if two workers start at once: the table lock serialises the creation.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE documents_platformauthority IN EXCLUSIVE MODE")
        existing = PlatformAuthority.objects.order_by("pk").first()
        if existing is not None:
            return existing
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(CA_NAME))
            .issuer_name(_name(CA_NAME))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * 20))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(sign_certs=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return PlatformAuthority.objects.create(
            certificate_pem=_cert_pem(cert), private_key_pem=_key_pem(key)
        )


def _issue_bureau_key(bureau) -> SigningKey:
    authority = platform_authority()
    ca_cert = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
    ca_key = serialization.load_pem_private_key(authority.private_key_pem.encode(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(bureau.name, unit=f"{bureau.code}"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certs=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = _cert_pem(cert)
    return SigningKey.objects.create(
        bureau=bureau,
        certificate_pem=pem,
        chain_pem=authority.certificate_pem,
        private_key_pem=_key_pem(key),
        fingerprint=fingerprint(pem),
        source=SigningKey.Source.PLATFORM,
    )


def signing_key_for(bureau) -> SigningKey:
    """The bureau's active signing key; created (certified by the platform CA) on first use."""
    key = SigningKey.objects.filter(bureau=bureau, active=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        from bureaus.models import Bureau

        Bureau.objects.select_for_update().filter(pk=bureau.pk).first()
        key = SigningKey.objects.filter(bureau=bureau, active=True).first()
        return key or _issue_bureau_key(bureau)


def install_key(*, bureau, certificate_pem: str, private_key_pem: str, chain_pem: str = ""):
    """Install a key and certificate issued by the bureau's real CA; it signs from now on.

    Refuses a certificate that does not match the key."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    key = serialization.load_pem_private_key(private_key_pem.encode(), None)
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        raise ValueError("the certificate does not belong to this private key")
    with transaction.atomic():
        SigningKey.objects.filter(bureau=bureau, active=True).update(active=False)
        return SigningKey.objects.create(
            bureau=bureau,
            certificate_pem=_cert_pem(cert),
            chain_pem=chain_pem,
            private_key_pem=_key_pem(key),
            fingerprint=fingerprint(certificate_pem),
            source=SigningKey.Source.INSTALLED,
        )


def _outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous wrappers (they use asyncio.run) even from a thread
    that already runs an event loop (ASGI, or a browser test driving the page)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _pem_certs(text: str):
    from asn1crypto import pem
    from asn1crypto import x509 as ax509

    return [ax509.Certificate.load(der) for _t, _h, der in pem.unarmor(text.encode(), True)]


@functools.lru_cache(maxsize=32)
def _signer(private_key_pem: str, certificate_pem: str, chain_pem: str):
    """The pyHanko signer of a key and the room its signature needs, kept per process (the
    key's loading and the certificates' parsing were paid for every document). Keyed by the
    PEMs themselves, so an installed or rotated key is a new entry; the key stays in the
    process's memory, where it was loaded for every document anyway."""
    from asn1crypto import keys as akeys
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    private = serialization.load_pem_private_key(private_key_pem.encode(), None)
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    certificate, chain = _pem_certs(certificate_pem)[0], _pem_certs(chain_pem)
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=akeys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )
    # The room left for the signature (CMS, written in hex: twice its bytes) in the file: the
    # certificates it carries and a margin for the signed attributes and the signature
    # itself. Given, pyHanko need not estimate it by building a whole dummy signature first
    # (about half of signing's time).
    reserved = 2 * (sum(len(c.dump()) for c in (certificate, *chain)) + 4096)
    return signer, reserved


def sign_pdf(pdf: bytes, *, key: SigningKey, reason: str, location: str) -> bytes:
    """Sign a PDF (PAdES B-B, ETSI.CAdES.detached) with the bureau's key."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer, reserved = _signer(key.private_key_pem, key.certificate_pem, key.chain_pem or "")
    meta = signers.PdfSignatureMetadata(
        field_name="JianguanSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return _outside_event_loop(
        signers.sign_pdf, writer, meta, signer=signer, bytes_reserved=reserved
    ).getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    present: bool
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the certificate chains to the platform CA or an installed root
    whole_file: bool  # nothing was added after signing
    signer: str
    fingerprint: str

    @property
    def valid(self) -> bool:
        return self.present and self.intact and self.whole_file


def _trust_roots():
    roots = []
    authority = PlatformAuthority.objects.order_by("pk").first()
    if authority is not None:
        roots += _pem_certs(authority.certificate_pem)
    for chain in SigningKey.objects.exclude(chain_pem="").values_list("chain_pem", flat=True):
        roots += _pem_certs(chain)[-1:]
    return roots


NO_SIGNATURE = SignatureCheck(False, False, False, False, "", "")


def signature_check(data: bytes) -> SignatureCheck:
    """Validate the PDF's first signature with pyHanko; a damaged file is simply not valid."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return NO_SIGNATURE
        embedded = signatures[0]
        context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
        cert = embedded.signer_cert
        return SignatureCheck(
            present=True,
            intact=bool(status.intact and status.valid),
            trusted=bool(status.trusted),
            whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            signer=cert.subject.native.get("common_name", ""),
            fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        )
    except Exception:
        return NO_SIGNATURE
