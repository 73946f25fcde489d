"""Makers of documents records for the isolation test (tests/records.py): real issued PDFs."""

import io

from django.core.files.base import ContentFile
from PIL import Image

from documents import services
from documents.models import DocumentJob, IssuedDocument, Seal
from tests.records import maker

NOTICE = "documents/pdf/notice.html"


def issue(bureau, title, *, key=None, paragraphs=("特此通知。",), **kwargs):
    return services.document_issue(
        actor=None,
        bureau=bureau,
        kind=kwargs.pop("kind", IssuedDocument.Kind.NOTICE),
        title=title,
        template=kwargs.pop("template", NOTICE),
        context=kwargs.pop("context", {"paragraphs": list(paragraphs)}),
        idempotency_key=key or f"test:{title}",
        **kwargs,
    )


def png_bytes(size=(200, 200), color=(212, 0, 0, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, color).save(out, format="PNG")
    return out.getvalue()


@maker(IssuedDocument)
def _document(bureau, marker):
    return issue(bureau, marker)


@maker(DocumentJob)
def _job(bureau, marker):
    return DocumentJob.objects.create(
        bureau=bureau,
        kind=IssuedDocument.Kind.NOTICE,
        title=marker,
        template=NOTICE,
        context={"paragraphs": [marker]},
        idempotency_key=f"job:{marker}",
    )


@maker(Seal)
def _seal(bureau, marker):
    seal = Seal(bureau=bureau)
    seal.image.save(f"{bureau.code}-test.png", ContentFile(png_bytes()), save=False)
    seal.save()
    return seal
