"""Intake of tip-offs from every channel, the district's policy, and public tracking."""

import hashlib
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.context import acting, system_actor
from bureaus.models import Bureau
from bureaus.permissions import membership_may
from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, ComplaintPolicy
from complaints.services.timeline import event_add, logger
from core import workdays
from core.locks import advisory_xact_lock

E = ComplaintEvent.Kind

# Tracking codes and secrets avoid characters read aloud ambiguously (0/O, 1/I/L).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _random(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().replace("-", "").encode()).hexdigest()


def policy_for(bureau: Bureau) -> ComplaintPolicy:
    """The district's tip-off policy, or the defaults (seed 004 永川) if it has none."""
    return ComplaintPolicy.objects.filter(bureau=bureau).first() or ComplaintPolicy(bureau=bureau)


@transaction.atomic
def complaint_policy_set(*, actor, reply_days: int, claim_days: int) -> ComplaintPolicy:
    """The district administrator sets the district's deadlines (working days). Tip-offs
    already received keep the reply date they were given."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "complaintpolicy.change") or not (
        membership.bureau.is_district
    ):
        raise PermissionDenied
    bureau = membership.bureau
    policy = ComplaintPolicy.objects.select_for_update().filter(
        bureau=bureau
    ).first() or ComplaintPolicy(bureau=bureau)
    policy.reply_days = reply_days
    policy.claim_days = claim_days
    policy.full_clean()
    policy.save()
    return policy


# What a reporter tells about the institution and what happened, whatever the channel.
REPORT_FIELDS = (
    "institution",
    "institution_name",
    "institution_address",
    "category",
    "description",
    "observed_on",
    "reporter_name",
    "reporter_phone",
)
_REPORT_DEFAULTS = {"institution": None, "observed_on": None}


def report_fields(data: dict) -> dict:
    """The report's fields from a form's or a serializer's cleaned data (missing optional
    fields empty)."""
    return {name: data.get(name, _REPORT_DEFAULTS.get(name, "")) for name in REPORT_FIELDS}


def attach_files(complaint, files, *, from_reporter: bool) -> None:
    """Store checked uploads (content, content type) on the tip-off."""
    for content, content_type in files:
        attachment = ComplaintAttachment(
            complaint=complaint,
            content_type=content_type,
            size=content.size,
            from_reporter=from_reporter,
        )
        attachment.file.save(content.name, content, save=False)
        attachment.save()


def _report(report: dict) -> dict:
    unknown = set(report) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    return report_fields(report)


def complaint_receive(
    *,
    bureau,
    channel,
    external_ref="",
    received_at=None,
    actor=None,
    files=(),
    with_secret=True,
    **report,
) -> tuple[Complaint, str]:
    """A tip-off received through any channel (the report is REPORT_FIELDS): routed to the
    institution's district, due in the district's reply days, a tracking code and secret made.
    Callers own the transaction and the channel's own checks."""
    report = _report(report)
    institution = report["institution"]
    institution_name, institution_address = (
        report["institution_name"],
        report["institution_address"],
    )
    if not bureau.is_district:
        raise ValidationError({"bureau": _("Choose a district.")})
    if institution is not None:
        # Routed by the institution: its district handles the tip-off, whatever was chosen.
        bureau = institution.bureau
        institution_name = institution_name or institution.name
        institution_address = institution_address or institution.address
    received_at = received_at or timezone.now()
    received_on = timezone.localtime(received_at).date()
    secret = _random(12) if with_secret else ""
    complaint = Complaint(
        bureau=bureau,
        channel=channel,
        external_ref=external_ref,
        institution=institution,
        institution_name=institution_name,
        institution_address=institution_address,
        category=report["category"],
        description=report["description"],
        observed_on=report["observed_on"],
        reporter_name=(report["reporter_name"] or "").strip(),
        reporter_phone=(report["reporter_phone"] or "").strip(),
        secret_hash=_hash_secret(secret) if secret else "",
        received_at=received_at,
        # seed 004 永川: the outcome is told within 10 (working) days of receipt.
        due_on=workdays.add_working_days(received_on, policy_for(bureau).reply_days),
    )
    for _attempt in range(5):
        complaint.tracking_code = "JB" + _random(10)
        if not Complaint.objects.filter(tracking_code=complaint.tracking_code).exists():
            break
    complaint.full_clean(exclude=["secret_hash"])
    complaint.save()
    attach_files(complaint, files, from_reporter=True)
    event_add(
        complaint,
        kind=E.RECEIVED,
        actor=actor,
        note=complaint.get_channel_display(),
        at=received_at,
    )
    logger.info("complaint %s received via %s", complaint.pk, channel)
    return complaint, secret


@transaction.atomic
def complaint_submit_public(*, bureau, files=(), **report) -> tuple[Complaint, str]:
    """A tip-off from the public web form (the report is REPORT_FIELDS). Returns the complaint
    and its tracking secret, which is shown to the reporter once and kept only as a hash.

    Guarantee: the audit rows of a public submission carry no client address (they are written
    as the system actor), so the trail cannot be used to find the reporter."""
    with acting(system_actor("public_submission")):
        return complaint_receive(
            bureau=bureau, channel=Complaint.Channel.WEB, files=files, **_report(report)
        )


def _work_order(bureau, channel, external_ref) -> Complaint | None:
    return Complaint.objects.filter(
        bureau=bureau, channel=channel, external_ref=external_ref
    ).first()


@transaction.atomic
def complaint_register(
    *, actor, channel, external_ref="", files=(), **report
) -> tuple[Complaint, str]:
    """A tip-off received by telephone, letter, visit, the 12345 hotline or from a superior,
    entered by district staff (the report is REPORT_FIELDS). Returns the complaint and the
    secret to give the reporter."""
    report = _report(report)
    institution = report["institution"]
    if channel == Complaint.Channel.WEB:
        raise ValidationError({"channel": _("Web tip-offs come from the public form.")})
    if channel == Complaint.Channel.HOTLINE and not external_ref:
        raise ValidationError({"external_ref": _("A 12345 tip-off needs its work-order number.")})
    bureau = actor.membership.bureau
    if institution is not None and institution.bureau_id != bureau.pk:
        raise ValidationError({"institution": _("This institution is not in your district.")})
    if external_ref:
        # Two entries of one work order at once: the second waits and then sees the first.
        advisory_xact_lock("complaint-work-order", bureau.pk, channel, external_ref)
        if _work_order(bureau, channel, external_ref) is not None:
            raise ValidationError(
                {"external_ref": _("This work order has already been entered.")},
                code="duplicate",
            )
    return complaint_receive(
        bureau=bureau,
        channel=channel,
        external_ref=external_ref,
        actor=actor,
        files=files,
        **report,
    )


@transaction.atomic
def complaint_hotline_push(*, actor, external_ref, **fields) -> tuple[Complaint, bool]:
    """A work order pushed by the 12345 hotline system. Idempotent on the work-order number:
    pushing the same order again, even at the same moment, returns the complaint already made.
    Returns (complaint, created)."""
    bureau = actor.membership.bureau
    channel = Complaint.Channel.HOTLINE
    advisory_xact_lock("complaint-work-order", bureau.pk, channel, external_ref)
    existing = _work_order(bureau, channel, external_ref)
    if existing is not None:
        return existing, False
    complaint, _secret = complaint_register(
        actor=actor, channel=channel, external_ref=external_ref, **fields
    )
    return complaint, True


# Public tracking -----------------------------------------------------------------------------

_DUMMY_HASH = hashlib.sha256(b"no such complaint").hexdigest()


def complaint_track(*, tracking_code: str, secret: str) -> Complaint | None:
    """The complaint whose code and secret both match, else None.

    Guarantee: an unknown code and a wrong secret give the same answer (None) after the same
    work (one query, one constant-time comparison), so the secret cannot be probed per code."""
    code = (tracking_code or "").strip().upper()
    complaint = (
        Complaint.objects.select_related("duplicate_of")
        .filter(tracking_code=code)
        .only(
            "id",
            "tracking_code",
            "secret_hash",
            "status",
            "outcome",
            "public_reply",
            "received_at",
            "concluded_at",
            "due_on",
            "duplicate_of__status",
            "duplicate_of__outcome",
            "duplicate_of__public_reply",
            "duplicate_of__concluded_at",
        )
        .first()
    )
    stored = complaint.secret_hash if complaint and complaint.secret_hash else _DUMMY_HASH
    matches = hmac.compare_digest(stored, _hash_secret(secret or ""))
    return complaint if complaint is not None and complaint.secret_hash and matches else None
