"""Makers for the isolation test: one record of each complaints model served by a route."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from bureaus.models import Bureau, User
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintPolicy,
    RefundDispute,
    Reward,
    SupervisionOrder,
)
from tests.records import maker


def make_complaint(bureau, name, **extra):
    fields = {
        "bureau": bureau,
        "tracking_code": "JB" + str(Complaint.objects.count() + 1).zfill(10) + str(bureau.pk)[-2:],
        "channel": Complaint.Channel.HOTLINE,
        "external_ref": name,
        "institution_name": name,
        "category": Complaint.Category.ACADEMIC,
        "description": "周末开设初中数学学科类培训班。",
        "received_at": timezone.now(),
        "due_on": timezone.localdate() + dt.timedelta(days=14),
        **extra,
    }
    return Complaint.objects.create(**fields)


@maker(Complaint)
def _complaint(bureau, marker):
    # A 12345 work order, so it shows on the staff inbox, the staff API and the hotline API.
    return make_complaint(bureau, marker)


@maker(ComplaintAttachment)
def _attachment(bureau, marker):
    complaint = make_complaint(bureau, marker)
    attachment = ComplaintAttachment(
        bureau=bureau, complaint=complaint, content_type="application/pdf", size=9
    )
    attachment.file.save("isolation.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


@maker(SupervisionOrder)
def _supervision_order(bureau, marker):
    city = Bureau.objects.get(pk=bureau.parent_id)
    issuer = User.objects.get_or_create(username=f"issuer-{city.code}")[0]
    return SupervisionOrder.objects.create(
        bureau=bureau,
        issued_by=city,
        issued_by_user=issuer,
        number=f"DB-{bureau.code}",
        subject=marker,
        instructions="请核查并于期限内反馈。",
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )


@maker(RefundDispute)
def _refund_dispute(bureau, marker):
    complaint = make_complaint(bureau, marker)
    return RefundDispute.objects.create(
        bureau=bureau,
        complaint=complaint,
        students=12,
        amount_disputed_fen=3_600_000,
        amount_recovered_fen=1_200_000,
    )


@maker(Reward)
def _reward(bureau, marker):
    complaint = make_complaint(
        bureau, marker, status=Complaint.Status.CONCLUDED, outcome=Complaint.Outcome.SUBSTANTIATED
    )
    return Reward.objects.create(
        bureau=bureau, complaint=complaint, amount_fen=500_00, notify_by=complaint.due_on
    )


@maker(ComplaintPolicy)
def _policy(bureau, marker):
    # The policy page is a form (no list): the isolation test checks only that B's values do
    # not show on A's page.
    return ComplaintPolicy.objects.create(bureau=bureau, reply_days=10 + (bureau.pk % 7))
