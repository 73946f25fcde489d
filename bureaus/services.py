"""Writes of the bureaus app."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bureaus.audit import day_digest
from bureaus.models import AuditEvent, AuditSeal

logger = logging.getLogger(__name__)


def _day_rows(day: dt.date):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return AuditEvent.objects.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))


@transaction.atomic
def audit_seal_days(*, today: dt.date | None = None) -> dict:
    """Seal every finished day of the retention window not yet sealed, and re-verify the
    existing seals. Idempotent: running it twice seals nothing new and re-checks the same.

    Returns counts of days sealed, verified and found tampered.
    """
    today = today or timezone.localdate()
    window_start = today - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    first = AuditEvent.objects.order_by("at").values_list("at", flat=True).first()
    sealed = verified = tampered = 0
    if first is not None:
        day = max(timezone.localtime(first).date(), window_start)
        known = {s.day: s for s in AuditSeal.objects.filter(day__gte=day)}
        now = timezone.now()
        while day < today:
            count, digest = day_digest(_day_rows(day))
            seal = known.get(day)
            if seal is None:
                AuditSeal.objects.create(day=day, row_count=count, digest=digest, verified_at=now)
                sealed += 1
            else:
                intact = seal.row_count == count and seal.digest == digest
                if not intact:
                    tampered += 1
                    logger.error("audit seal mismatch for %s: rows or digest changed", day)
                AuditSeal.objects.filter(pk=seal.pk).update(
                    verified_at=now, intact=seal.intact and intact
                )
                verified += 1
            day += dt.timedelta(days=1)
    return {"sealed": sealed, "verified": verified, "tampered": tampered}
