"""Writes of the documents app: issue a document (numbered, sealed, signed, registered), queue
one for the background worker, supersede one, and manage a bureau's seal.

This is the one entry point other apps use to produce official documents:

    document_issue(actor=user, bureau=bureau, kind=IssuedDocument.Kind.NOTICE, title="…",
                   template="documents/pdf/notice.html", context={"paragraphs": [...]},
                   subject=notice, idempotency_key=f"rectification:{notice.pk}")
    document_request(...same arguments...) -> DocumentJob   # rendered by Celery

Guarantees:
- The number comes from core.numbering inside the issuing transaction, after everything that
  can fail before rendering: a failed render rolls the number back, so the sequence has no gap.
- One idempotency key gives one document per bureau, however often and however concurrently
  the call is repeated (the existing document is returned).
- An issued document is never changed; a correction supersedes it.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.permissions import membership_may
from core.numbering import next_number
from documents import rendering, seals, signing
from documents.models import DocumentJob, IssuedDocument, Seal, new_token

log = logging.getLogger(__name__)

# 机关代字 per kind, after the bureau's own character (西湖区教育局 → 西教 + 监 → 西教监).
KIND_CODES = {
    IssuedDocument.Kind.NOTICE: "监",
    IssuedDocument.Kind.RECTIFICATION_NOTICE: "监改",
    IssuedDocument.Kind.LIST: "监公",
    IssuedDocument.Kind.INSTITUTION_SHEET: "监备",
    IssuedDocument.Kind.PROGRESS_REPORT: "监报",
    IssuedDocument.Kind.SUMMARY: "监总",
}


def document_number(*, bureau, kind: str, year: int, serial: int) -> str:
    """发文字号 after GB/T 9704: 机关代字〔年份〕序号号, e.g. 西教监〔2026〕12号."""
    return f"{bureau.name[:1]}教{KIND_CODES[kind]}〔{year}〕{serial}号"


def date_text(day: dt.date) -> str:
    """成文日期 in Arabic numerals (GB/T 9704-2012 §7.3.5.1): 2026年11月25日."""
    return f"{day.year}年{day.month}月{day.day}日"


def verify_url(token: str, base_url: str | None = None) -> str:
    base = (settings.DOCUMENTS_PUBLIC_URL or base_url or "http://127.0.0.1:8000/").rstrip("/")
    return f"{base}/public/documents/verify/{token}/"


def token_marker(token: str) -> str:
    """The token as it is written into the signature's /Reason: hexadecimal, so that no PDF
    string escaping (pyHanko escapes '/', ':', '-'…) hides it from a byte search."""
    return "Jianguan JGDOC" + token.encode().hex()


class _AlreadyIssued(Exception):
    def __init__(self, document):
        self.document = document


def _existing(bureau, idempotency_key):
    return IssuedDocument.objects.filter(bureau=bureau, idempotency_key=idempotency_key).first()


def document_issue(
    *,
    actor,
    bureau,
    kind: str,
    title: str,
    template: str,
    context: dict,
    idempotency_key: str,
    subject=None,
    topic: str = "",
    recipient: str = "",
    public: bool = False,
    supersedes: IssuedDocument | None = None,
    base_url: str | None = None,
) -> IssuedDocument:
    """Render, seal, number, sign and register one document of `bureau`; returns it.

    `actor` is the user issuing (None for a background job acting for the platform).
    Calling again with the same idempotency key returns the document already issued."""
    if kind not in IssuedDocument.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if not idempotency_key:
        raise ValidationError({"idempotency_key": _("An idempotency key is required.")})
    if supersedes is not None and supersedes.bureau_id != bureau.pk:
        raise ValidationError(
            {"supersedes": _("Only the bureau's own documents can be superseded.")}
        )
    existing = _existing(bureau, idempotency_key)
    if existing is not None:
        return existing
    key = signing.signing_key_for(bureau)
    seal_uri = seals.seal_data_uri(bureau=bureau, seal=Seal.objects.filter(bureau=bureau).first())
    token = new_token()
    url = verify_url(token, base_url)
    now = timezone.now()
    today = timezone.localdate(now)
    stored_name = None
    try:
        with transaction.atomic():
            # Late, as core.numbering asks: the counter row stays locked until we commit.
            serial = next_number(bureau=bureau, kind=kind, year=today.year)
            # A concurrent call with the same key may have committed while we waited.
            existing = _existing(bureau, idempotency_key)
            if existing is not None:
                raise _AlreadyIssued(existing)
            number = document_number(bureau=bureau, kind=kind, year=today.year, serial=serial)
            letterhead = rendering.Letterhead(
                bureau_name=bureau.name,
                number=number,
                date_text=date_text(today),
                title=title,
                recipient=recipient,
                verify_url=url,
                seal_uri=seal_uri,
            )
            pdf, pages = rendering.render_pdf(template, context, letterhead)
            signed = signing.sign_pdf(pdf, key=key, reason=token_marker(token), location=url)
            document = IssuedDocument(
                bureau=bureau,
                kind=kind,
                year=today.year,
                serial=serial,
                number=number,
                title=title,
                recipient=recipient,
                topic=topic,
                issued_at=now,
                issued_on=today,
                issued_by=actor if getattr(actor, "pk", None) else None,
                sha256=hashlib.sha256(signed).hexdigest(),
                pages=pages,
                token=token,
                public=public,
                supersedes=supersedes,
                idempotency_key=idempotency_key,
                signer_fingerprint=key.fingerprint,
            )
            if subject is not None:
                document.subject_type = ContentType.objects.get_for_model(type(subject))
                document.subject_id = str(subject.pk)
            document.file.save(f"{bureau.code}-{token}.pdf", ContentFile(signed), save=False)
            stored_name = document.file.name
            document.save()
    except _AlreadyIssued as done:
        _discard(stored_name)
        return done.document
    except IntegrityError:
        _discard(stored_name)
        existing = _existing(bureau, idempotency_key)
        if existing is None:
            raise
        return existing
    except BaseException:
        _discard(stored_name)
        raise
    log.info("document issued: %s (bureau %s, %s pages)", document.number, bureau.pk, pages)
    return document


def _discard(name):
    if name:
        from django.core.files.storage import default_storage

        default_storage.delete(name)


def document_supersede(*, actor, document: IssuedDocument, **issue_kwargs) -> IssuedDocument:
    """Issue the correction of `document`: a new document that supersedes it (the old stays)."""
    if IssuedDocument.objects.filter(supersedes=document).exists():
        raise ValidationError({"supersedes": _("This document has already been superseded.")})
    return document_issue(actor=actor, bureau=document.bureau, supersedes=document, **issue_kwargs)


@dataclass(frozen=True)
class JobOptions:
    subject_type: int | None = None
    subject_id: str = ""
    topic: str = ""
    recipient: str = ""
    public: bool = False
    base_url: str | None = None


def document_request(
    *,
    actor,
    bureau,
    kind: str,
    title: str,
    template: str,
    context: dict,
    idempotency_key: str,
    subject=None,
    topic: str = "",
    recipient: str = "",
    public: bool = False,
    base_url: str | None = None,
) -> DocumentJob:
    """Queue a document for the Celery worker (same arguments as document_issue; the context
    must be JSON). The same idempotency key returns the job already queued (a failed one is
    queued again)."""
    existing = DocumentJob.objects.filter(bureau=bureau, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.status == DocumentJob.Status.FAILED:
            _enqueue_again(existing)
        return existing
    options = {
        "subject_type": ContentType.objects.get_for_model(type(subject)).pk if subject else None,
        "subject_id": str(subject.pk) if subject else "",
        "topic": topic,
        "recipient": recipient,
        "public": public,
        "base_url": base_url,
    }
    with transaction.atomic():
        job = DocumentJob.objects.create(
            bureau=bureau,
            kind=kind,
            title=title,
            template=template,
            context=context,
            options=options,
            idempotency_key=idempotency_key,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        _enqueue(job)
    return job


def _enqueue(job):
    from documents import tasks

    transaction.on_commit(lambda: tasks.document_job_run.delay(job.pk))


def _enqueue_again(job):
    """A failed job asked for again (same content) is queued again rather than refused."""
    with transaction.atomic():
        updated = DocumentJob.objects.filter(pk=job.pk, status=DocumentJob.Status.FAILED).update(
            status=DocumentJob.Status.QUEUED, error="", progress=0
        )
        if updated:
            _enqueue(job)
    job.refresh_from_db()


def _job_progress(job_id, status, progress):
    # Bookkeeping, not domain data: the issued document itself is audited.
    DocumentJob.objects.dangerously_unaudited().filter(pk=job_id).update(
        status=status, progress=progress
    )


def document_job_run(*, job_id: int) -> IssuedDocument | None:
    """Run one queued job: issue its document once. Safe to re-run after a crash or a retry
    (the job's row is locked while it runs, and the idempotency key finds a document already
    issued)."""
    job = DocumentJob.objects.filter(pk=job_id).select_related("bureau", "requested_by").first()
    if job is None or job.status == DocumentJob.Status.DONE:
        return job.document if job else None
    _job_progress(job_id, DocumentJob.Status.RUNNING, 10)
    options = JobOptions(**job.options)
    subject = None
    if options.subject_type:
        model = ContentType.objects.get_for_id(options.subject_type).model_class()
        subject = model._default_manager.filter(pk=options.subject_id).first()
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().get(pk=job_id)
        if job.status == DocumentJob.Status.DONE:
            return job.document
        try:
            with transaction.atomic():
                document = document_issue(
                    actor=job.requested_by,
                    bureau=job.bureau,
                    kind=job.kind,
                    title=job.title,
                    template=job.template,
                    context=job.context,
                    idempotency_key=job.idempotency_key,
                    subject=subject,
                    topic=options.topic,
                    recipient=options.recipient,
                    public=options.public,
                    base_url=options.base_url,
                )
        except Exception as exc:
            log.exception("document job %s failed", job_id)
            job.status, job.error = DocumentJob.Status.FAILED, str(exc)[:500]
            job.save(update_fields=["status", "error"])
            return None
        job.document, job.status, job.progress = document, DocumentJob.Status.DONE, 100
        job.save(update_fields=["document", "status", "progress"])
    return document


def seal_upload(*, actor, upload) -> Seal:
    """Replace the acting district's seal with an uploaded image (checked by content).
    Only the district's administrator may; the change is audited."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "seal.change"):
        raise ValidationError(_("Only the district's administrator manages its seal."))
    png = seals.clean_seal_image(upload)
    bureau = membership.bureau
    with transaction.atomic():
        Seal.objects.filter(bureau=bureau).delete()
        seal = Seal(bureau=bureau, uploaded_by=actor)
        seal.image.save(f"{bureau.code}-{new_token()[:12]}.png", ContentFile(png), save=False)
        seal.save()
    return seal


def seal_reset(*, actor) -> None:
    """Go back to the seal drawn from the bureau's name (audited)."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "seal.change"):
        raise ValidationError(_("Only the district's administrator manages its seal."))
    Seal.objects.filter(bureau=membership.bureau).delete()
