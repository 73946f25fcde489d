"""Official documents of the registry, issued through the documents app: a district's published
white or black list, and one institution's information sheet (机构信息表).

The registry builds the content (a template of documents/ and a JSON context, read through the
selectors) and asks documents/ to render, number, seal and sign it in the background."""

import hashlib
import json

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents import services as document_services
from documents.models import IssuedDocument
from institutions import selectors
from institutions.models import Institution, ListEntry

TABLE_TEMPLATE = "documents/pdf/table.html"


def list_topic(kind: str) -> str:
    """The series a published list belongs to (the public page links its newest PDF)."""
    return f"institutions.{kind}_list"


def _key(topic: str, context: dict) -> str:
    """Same content on the same day → the same document (a second click issues nothing)."""
    digest = hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()[:32]
    return f"{topic}:{timezone.localdate().isoformat()}:{digest}"


def _date(value) -> str:
    return value.isoformat() if value else "—"


def list_document_context(*, bureau, kind: str) -> tuple[str, dict]:
    """Title and content of a district's published list (published, not lifted entries)."""
    entries = list(selectors.public_list_entries(bureau=bureau, kind=kind))
    label = ListEntry.Kind(kind).label
    title = _("%(bureau)s: published %(list)s of off-campus training institutions") % {
        "bureau": bureau.name,
        "list": label,
    }
    intro = _(
        "Under the rules on the supervision of off-campus training, the following %(count)s "
        "institutions are on the %(list)s of this district as of today."
    ) % {"count": len(entries), "list": label}
    columns = [_("No."), _("Institution"), _("Unified social credit code"), _("Address")]
    columns += [_("Reason") if kind == ListEntry.Kind.BLACK else _("Category"), _("Published")]
    rows = []
    for n, entry in enumerate(entries, start=1):
        institution = entry.institution
        rows.append(
            [
                str(n),
                institution.name,
                institution.credit_code or "—",
                institution.address or "—",
                entry.reason
                if kind == ListEntry.Kind.BLACK
                else institution.get_category_display(),
                _date(entry.published_on),
            ]
        )
    closing = [_("Parents may look institutions up on the public page of this platform.")]
    return title, {"paragraphs": [intro], "columns": columns, "rows": rows, "closing": closing}


def list_document_request(*, actor, bureau, kind: str, base_url: str | None = None):
    """Queue the sealed PDF of a district's published list; returns the documents job."""
    with translation.override(settings.LANGUAGE_CODE):
        title, context = list_document_context(bureau=bureau, kind=kind)
    topic = list_topic(kind)
    return document_services.document_request(
        actor=actor,
        bureau=bureau,
        kind=IssuedDocument.Kind.LIST,
        title=title,
        template=TABLE_TEMPLATE,
        context=context,
        idempotency_key=_key(topic, context),
        topic=topic,
        public=True,
        base_url=base_url,
    )


def institution_sheet_context(*, institution: Institution) -> tuple[str, dict]:
    """Title and content of an institution's information sheet (机构信息表): what is on file,
    its licences, sites and active list entries; no personal data (staff, contacts)."""
    columns = [_("Item"), _("On file")]
    rows = [
        [_("Name"), institution.name],
        [_("Unified social credit code"), institution.credit_code or "—"],
        [_("Category"), institution.get_category_display()],
        [_("Status"), institution.get_status_display()],
        [_("Address"), institution.address or "—"],
    ]
    for credential in institution.credentials.all():
        rows.append(
            [
                credential.get_kind_display(),
                f"{credential.number}（{credential.issuer or '—'}，"
                f"{_date(credential.issued_on)} — {_date(credential.expires_on)}）",
            ]
        )
    for n, site in enumerate(institution.sites.all(), start=1):
        rows.append([_("Teaching site %(n)s") % {"n": n}, site.address])
    for entry in institution.list_entries.filter(lifted_on__isnull=True):
        rows.append([entry.get_kind_display(), f"{_date(entry.decided_on)} {entry.reason}".strip()])
    title = _("Information sheet of %(name)s") % {"name": institution.name}
    intro = _("What the registry of %(bureau)s holds on this institution on the date below.") % {
        "bureau": institution.bureau.name
    }
    return title, {"paragraphs": [intro], "columns": columns, "rows": rows, "closing": []}


def institution_sheet_request(*, actor, institution: Institution, base_url: str | None = None):
    """Queue the sealed information sheet of one institution; returns the documents job."""
    with translation.override(settings.LANGUAGE_CODE):
        title, context = institution_sheet_context(institution=institution)
    topic = "institutions.sheet"
    return document_services.document_request(
        actor=actor,
        bureau=institution.bureau,
        kind=IssuedDocument.Kind.INSTITUTION_SHEET,
        title=title,
        template=TABLE_TEMPLATE,
        context=context,
        idempotency_key=_key(f"{topic}:{institution.pk}", context),
        subject=institution,
        topic=topic,
        base_url=base_url,
    )


def latest_list_documents(*, bureau) -> dict:
    """The newest public PDF of each of the district's lists (for the public lists page)."""
    from documents import selectors as document_selectors

    return {
        kind: document_selectors.document_latest_public(bureau=bureau, topic=list_topic(kind))
        for kind in ListEntry.Kind.values
    }
