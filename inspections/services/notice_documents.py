"""The rectification notice as an official document (整改通知书): rendered, sealed, numbered,
signed and registered by `documents/`, from what the notice holds (its number, the
institution, the visit, the findings cited, the requirements and the deadline).

One document per deadline: the idempotency key names the notice and how often it was
re-issued, so asking again returns the same PDF, and a re-issue (new deadline) gets its own."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from bureaus.permissions import membership_may
from documents import services as document_services
from documents.models import IssuedDocument
from inspections.models import RectificationNotice
from inspections.services.notices import CHANGE, notice_document_allowed

TEMPLATE = "documents/pdf/notice.html"


def _date(day) -> str:
    return document_services.date_text(day)


def notice_document_context(notice: RectificationNotice) -> tuple[str, dict]:
    """Title and paragraphs of the notice, in the bureau's language."""
    visit = notice.inspection
    institution = visit.institution
    findings = [
        f"{n}. {f.item.area}：{f.item.text}" + (f"（{f.note}）" if f.note else "")
        for n, f in enumerate(notice.findings.select_related("item").order_by("pk"), start=1)
    ]
    title = _("Rectification notice")
    paragraphs = [
        _("Notice number: %(number)s") % {"number": notice.number},
        f"{institution.name}：",
        _(
            "On %(date)s this bureau inspected your institution (%(campaign)s) and found the "
            "following problems:"
        )
        % {"date": _date(visit.planned_on), "campaign": visit.share.campaign.name},
        *findings,
        _("Requirements: %(requirements)s") % {"requirements": notice.requirements},
        _(
            "Rectify within %(days)s working days, by %(due)s, and report the rectification "
            "to this bureau in writing with its evidence. An institution that does not "
            "rectify by the deadline will be dealt with according to the regulations."
        )
        % {"days": notice.working_days, "due": _date(notice.due_on)},
        _("Deadline: %(due)s") % {"due": _date(notice.due_on)},
    ]
    return title, {"paragraphs": paragraphs}


@transaction.atomic
def notice_document(*, actor, notice: RectificationNotice, base_url: str | None = None):
    """Issue (or return, if already issued for this deadline) the notice's official PDF."""
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != notice.bureau_id:
        raise PermissionDenied
    if not membership_may(membership, CHANGE):
        raise PermissionDenied
    locked = (
        RectificationNotice.objects.select_for_update(of=("self",))
        .select_related("bureau", "inspection__institution", "inspection__share__campaign")
        .get(pk=notice.pk)
    )
    if not notice_document_allowed(locked):
        raise ValidationError(
            _("A notice that is “%(status)s” has no deadline to state.")
            % {"status": locked.get_status_display()}
        )
    with translation.override(settings.LANGUAGE_CODE):
        title, context = notice_document_context(locked)
    document = document_services.document_issue(
        actor=actor,
        bureau=locked.bureau,
        kind=IssuedDocument.Kind.RECTIFICATION_NOTICE,
        title=title,
        template=TEMPLATE,
        context=context,
        idempotency_key=f"inspections.notice:{locked.pk}:{locked.reissue_count}",
        subject=locked,
        topic="inspections.notice",
        recipient=locked.inspection.institution.name,
        base_url=base_url,
    )
    if locked.document_id != document.pk:
        locked.document = document
        locked.save(update_fields=["document", "updated_at"])
    notice.document = document
    return document
