"""Visits: planning a visit, answering the checklist item by item (idempotent, so an offline
retry never duplicates), photos as evidence, and concluding with the effort counted."""

import datetime as dt
import hashlib
import io
import uuid

import magic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from PIL import Image, UnidentifiedImageError

from bureaus.models import Membership
from bureaus.permissions import membership_may
from core.workflow import Transition, Workflow
from inspections.models import (
    CampaignItem,
    Finding,
    FindingPhoto,
    Inspection,
    InspectionAcknowledgement,
)
from inspections.services.figures import figures_refresh

S = Inspection.Status
CHANGE = "inspection.change"

VISIT = Workflow(
    transitions=[
        Transition("start", {S.PLANNED}, S.IN_PROGRESS, CHANGE, gettext_lazy("started")),
        Transition(
            "conclude",
            {S.IN_PROGRESS},
            S.CONCLUDED,
            CHANGE,
            pgettext_lazy("inspection transition", "concluded"),
        ),
    ],
    refusal=gettext_lazy("A visit that is “%(status)s” cannot be %(action)s."),
)

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def _district_membership(actor, action: str, bureau_id: int):
    membership = getattr(actor, "membership", None)
    if membership is None or membership.bureau_id != bureau_id:
        raise PermissionDenied
    if not membership_may(membership, action):
        raise PermissionDenied
    return membership


@transaction.atomic
def inspection_plan(
    *,
    actor,
    share,
    institution,
    planned_on: dt.date,
    unannounced: bool = False,
    departments=(),
    inspectors=(),
    complaint=None,
) -> Inspection:
    """Plan a visit of the district's share to one of its institutions, by a team of the
    district's departments and inspectors; it may cite the tip-off that started it."""
    _district_membership(actor, "inspection.change", share.bureau_id)
    errors = {}
    if institution.bureau_id != share.bureau_id:
        errors["institution"] = _("This institution belongs to another district.")
    if complaint is not None and complaint.bureau_id != share.bureau_id:
        errors["complaint"] = _("This tip-off belongs to another district.")
    if any(d.bureau_id != share.bureau_id for d in departments):
        errors["departments"] = _("Choose departments of your district.")
    district_users = set(
        Membership.objects.filter(bureau_id=share.bureau_id, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if any(u.pk not in district_users for u in inspectors):
        errors["inspectors"] = _("Choose inspectors of your district.")
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        share=share,
        institution=institution,
        complaint=complaint,
        planned_on=planned_on,
        unannounced=unannounced,
    )
    inspection.full_clean()
    inspection.save()
    inspection.departments.set(departments)
    inspection.inspectors.set(inspectors)
    figures_refresh([share.pk])
    return inspection


@transaction.atomic
def inspection_start(*, actor, inspection: Inspection) -> Inspection:
    """The team arrives: the visit starts and answers may be given."""
    step = VISIT.begin(inspection, "start", actor=actor)
    step.record.started_at = timezone.now()
    visit = step.finish(fields=["started_at"])
    figures_refresh([visit.share_id])
    return visit


@transaction.atomic
def inspection_conclude(
    *,
    actor,
    inspection: Inspection,
    outcome: str,
    personnel_times: int,
    vehicle_trips: int,
    summary: str = "",
) -> Inspection:
    """End the visit: its outcome and the effort it took (出动人次 / 车次)."""
    step = VISIT.begin(inspection, "conclude", actor=actor)
    record = step.record
    if outcome not in Inspection.Outcome.values or outcome == Inspection.Outcome.PENDING:
        raise ValidationError({"outcome": _("Choose the outcome of the visit.")})
    answered = set(record.findings.values_list("item_id", flat=True))
    missing = record.share.campaign.items.exclude(pk__in=answered).count()
    if missing:
        raise ValidationError(
            {"outcome": _("%(n)s checklist items are not answered yet.") % {"n": missing}}
        )
    if personnel_times < 1:
        raise ValidationError({"personnel_times": _("At least one person went on the visit.")})
    record.outcome = outcome
    record.personnel_times = personnel_times
    record.vehicle_trips = vehicle_trips
    record.summary = summary.strip()
    record.ended_at = timezone.now()
    visit = step.finish(
        fields=["outcome", "personnel_times", "vehicle_trips", "summary", "ended_at"]
    )
    figures_refresh([visit.share_id])
    return visit


@transaction.atomic
def finding_save(*, actor, inspection: Inspection, item, result: str, note: str = "") -> Finding:
    """Answer one checklist item. Keyed by (visit, item): sending the same answer again
    (a retry after a lost connection) changes nothing; a new answer replaces the old one."""
    _district_membership(actor, "inspection.change", inspection.bureau_id)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != S.IN_PROGRESS:
        raise ValidationError(
            {"item": _("Answers are given while the visit is in progress.")}, code="state"
        )
    item_id = getattr(item, "pk", item)
    if not CampaignItem.objects.filter(pk=item_id, campaign_id=locked.share.campaign_id).exists():
        raise ValidationError({"item": _("This item is not in the campaign's checklist.")})
    if result not in Finding.Result.values:
        raise ValidationError({"result": _("Choose compliant, violation or not applicable.")})
    note = (note or "").strip()
    finding = Finding.objects.filter(inspection=locked, item_id=item_id).first()
    if finding is None:
        finding = Finding(
            inspection=locked,
            item_id=item_id,
            result=result,
            note=note,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        finding.save()
    elif (finding.result, finding.note) != (result, note):
        finding.result, finding.note = result, note
        finding.answered_by, finding.answered_at = actor, timezone.now()
        finding.save(update_fields=["result", "note", "answered_by", "answered_at"])
    else:
        return finding  # the same answer again: nothing changed
    figures_refresh([locked.share_id])
    return finding


def _check_photo(data: bytes) -> tuple[str, str]:
    """The photo's content type and extension, judged by its bytes; refuses anything else,
    and images too large to decode safely."""
    detected = magic.from_buffer(data[:4096], mime=True)
    if detected not in PHOTO_TYPES:
        raise ValidationError({"photo": _("This file is not a photo (judged by its content).")})
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > settings.INSPECTION_PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": _("This photo has too many pixels.")})
            img.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError({"photo": _("This photo could not be read.")}) from exc
    return detected, PHOTO_TYPES[detected]


@transaction.atomic
def photo_add(*, actor, finding: Finding, upload, captured_at=None) -> FindingPhoto:
    """Keep a photo as evidence, as uploaded (the original), with its SHA-256 and capture
    time. The same photo sent twice for a finding is kept once."""
    _district_membership(actor, "inspection.change", finding.bureau_id)
    limit = settings.INSPECTION_PHOTO_MAX_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {"photo": _("The photo is too large: at most %(mb)s MB.") % {"mb": limit // 2**20}}
        )
    content_type, ext = _check_photo(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = FindingPhoto.objects.filter(finding=finding, sha256=digest).first()
    if existing is not None:
        return existing
    now = timezone.now()
    if captured_at is None or captured_at > now + dt.timedelta(minutes=5):
        captured_at = now
    photo = FindingPhoto(
        finding=finding,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        captured_at=captured_at,
        uploaded_by=actor,
    )
    photo.file.save(f"{uuid.uuid4().hex}{ext}", ContentFile(data), save=False)
    photo.save()
    return photo


@transaction.atomic
def answer_save(
    *,
    actor,
    inspection: Inspection,
    item,
    result: str,
    note: str = "",
    photo=None,
    captured_at=None,
) -> Finding:
    """One answer with its optional photo, all or nothing (a refused photo leaves no answer)."""
    finding = finding_save(actor=actor, inspection=inspection, item=item, result=result, note=note)
    if photo:
        photo_add(actor=actor, finding=finding, upload=photo, captured_at=captured_at)
    return finding


def _concluded_visit(actor, inspection: Inspection) -> Inspection:
    _district_membership(actor, CHANGE, inspection.bureau_id)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != S.CONCLUDED:
        raise ValidationError(_("The record is acknowledged once the visit is concluded."))
    return locked


@transaction.atomic
def inspection_acknowledge(*, actor, inspection: Inspection) -> InspectionAcknowledgement:
    """An inspector of the team acknowledges the concluded visit's record (签字确认); once:
    acknowledging again returns the first acknowledgement."""
    locked = _concluded_visit(actor, inspection)
    if not locked.inspectors.filter(pk=actor.pk).exists():
        raise ValidationError(_("Only an inspector of the visit's team can acknowledge it."))
    existing = InspectionAcknowledgement.objects.filter(inspection=locked, inspector=actor).first()
    if existing is not None:
        return existing
    return InspectionAcknowledgement.objects.create(
        inspection=locked, inspector=actor, acknowledged_at=timezone.now()
    )


@transaction.atomic
def inspection_representative_acknowledge(
    *, actor, inspection: Inspection, name: str, role: str = "", refused: bool = False
) -> Inspection:
    """The institution's representative signs the concluded visit's record, or refuses to
    (recorded as such, as the inspectors witness it); recorded once."""
    locked = _concluded_visit(actor, inspection)
    if locked.representative_acknowledged_at is not None:
        raise ValidationError(_("The representative's acknowledgement is already recorded."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the representative's name.")})
    locked.representative_name = name[:50]
    locked.representative_role = (role or "").strip()[:50]
    locked.representative_refused = bool(refused)
    locked.representative_acknowledged_at = timezone.now()
    locked.save(
        update_fields=[
            "representative_name",
            "representative_role",
            "representative_refused",
            "representative_acknowledged_at",
            "updated_at",
        ]
    )
    return locked
