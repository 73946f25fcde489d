"""Reads of the documents app: the staff registry (scoped), and what the public verification
page may show (whitelisted fields only, found by unguessable token or by the file's hash)."""

import hashlib
import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from documents import signing
from documents.models import IssuedDocument

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The token is written, uncompressed, into the signature dictionary's /Reason (services).
_TOKEN_IN_FILE = re.compile(rb"JGDOC((?:[0-9a-f]{2}){32})")

# What anyone may see of a document: never the body, the recipient or who issued it.
PUBLIC_FIELDS = ("number", "title", "kind", "issued_on", "sha256", "pages", "public", "token")


def document_filter(queryset, *, kind: str = "", year: int | None = None, number: str = ""):
    """Narrow a scoped queryset of documents by kind, year and number; mark superseded ones."""
    queryset = queryset.select_related("bureau", "issued_by")
    if kind in IssuedDocument.Kind.values:
        queryset = queryset.filter(kind=kind)
    if year:
        queryset = queryset.filter(year=year)
    if number:
        queryset = queryset.filter(number__icontains=number.strip()[:60])
    return queryset.annotate(
        superseded=Exists(IssuedDocument.objects.filter(supersedes=OuterRef("pk")))
    )


def document_list(*, user, kind: str = "", year: int | None = None, number: str = ""):
    """The issued documents the user may see (own subtree), newest first, filtered."""
    return document_filter(
        IssuedDocument.objects.visible_to(user), kind=kind, year=year, number=number
    )


def document_latest_public(*, bureau, topic: str) -> IssuedDocument | None:
    """The newest public document of a bureau in a series (e.g. its published black list)."""
    return (
        IssuedDocument.objects.filter(bureau=bureau, topic=topic, public=True)
        .order_by("-issued_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class PublicDocument:
    """What the verification page shows of one document."""

    number: str
    title: str
    kind_label: str
    bureau_name: str
    issued_on: object
    sha256: str
    pages: int
    token: str
    public: bool
    superseded_by_number: str

    @classmethod
    def of(cls, document: IssuedDocument) -> "PublicDocument":
        successor = IssuedDocument.objects.filter(supersedes=document).only("number").first()
        return cls(
            number=document.number,
            title=document.title,
            kind_label=document.get_kind_display(),
            bureau_name=document.bureau.name,
            issued_on=document.issued_on,
            sha256=document.sha256,
            pages=document.pages,
            token=document.token,
            public=document.public,
            superseded_by_number=successor.number if successor else "",
        )


def public_document_get(*, token: str) -> PublicDocument | None:
    """A document by its verification token (32 URL-safe characters), or None."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{32}", token or ""):
        return None
    document = IssuedDocument.objects.select_related("bureau").filter(token=token).first()
    return PublicDocument.of(document) if document else None


@dataclass(frozen=True)
class Verdict:
    GENUINE = "genuine"
    MODIFIED = "modified"
    UNKNOWN = "unknown"

    outcome: str
    document: PublicDocument | None
    signature: signing.SignatureCheck


def document_verify_file(*, data: bytes) -> Verdict:
    """Is this file a document we issued, byte for byte?

    genuine: its SHA-256 is that of an issued document; modified: it names an issued document
    (its verification address) but its bytes differ; unknown: neither.
    Never raises on any input."""
    if not data or len(data) > MAX_UPLOAD_BYTES:
        return Verdict(Verdict.UNKNOWN, None, signing.NO_SIGNATURE)
    digest = hashlib.sha256(data).hexdigest()
    document = IssuedDocument.objects.select_related("bureau").filter(sha256=digest).first()
    if document is not None:
        outcome = Verdict.GENUINE
    else:
        match = _TOKEN_IN_FILE.search(data)
        named = bytes.fromhex(match.group(1).decode()).decode("ascii", "replace") if match else ""
        document = IssuedDocument.objects.select_related("bureau").filter(token=named).first()
        outcome = Verdict.MODIFIED if document is not None else Verdict.UNKNOWN
    check = signing.signature_check(data) if data.startswith(b"%PDF") else signing.NO_SIGNATURE
    return Verdict(outcome, PublicDocument.of(document) if document else None, check)
