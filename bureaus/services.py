"""Writes of the bureaus app."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus import rls
from bureaus.audit import day_digest
from bureaus.models import AuditEvent, AuditSeal, Membership, User

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


def bureau_accounts(bureau):
    """The accounts a bureau keeps: its home accounts and those with a membership in it."""
    return User.objects.filter(
        Q(bureau=bureau) | Q(pk__in=Membership.objects.filter(bureau=bureau).values("user_id"))
    )


def membership_check(membership: Membership, *, actor) -> None:
    """Rules of granting a role (raises field-keyed ValidationError): one membership per person
    and bureau, never one's own (三权分立: nobody grants themself a role), the role fits the
    bureau's level, and one administrator role per person."""
    if membership.user_id == actor.pk:
        raise ValidationError({"user": _("You cannot change your own membership.")})
    taken = Membership.objects.filter(user_id=membership.user_id, bureau_id=membership.bureau_id)
    if membership.pk:
        taken = taken.exclude(pk=membership.pk)
    if taken.exists():
        raise ValidationError({"user": _("This person already has a membership in this bureau.")})
    membership.clean()


def record_account_event(user, *, action: str, changes: dict) -> None:
    """An audit event about an account, in every bureau it belongs to (or its home bureau)."""
    from bureaus.audit import _event

    # Platform access (bureaus.rls): a sign-in is audited before anyone acts for a bureau (the
    # failed one by no one at all), and the event goes into every bureau of the account, which
    # may lie outside the acting administrator's own.
    with rls.platform_access(f"account event {action}"):
        bureau_ids = set(Membership.objects.filter(user=user).values_list("bureau_id", flat=True))
        if not bureau_ids and user.bureau_id:
            bureau_ids = {user.bureau_id}
        AuditEvent.objects.bulk_create(
            [
                _event(
                    type(user),
                    bureau_id=bureau_id,
                    action=action,
                    object_id=user.pk,
                    object_repr=user.get_username(),
                    changes=changes,
                )
                for bureau_id in sorted(bureau_ids)
            ]
        )


@transaction.atomic
def user_end_sessions(*, actor, user, reason: str = "ended") -> None:
    """End every session and revoke the API token of a user (audited). Sessions begun before
    now are refused on their next request (bureaus.security.SessionLimitsMiddleware)."""
    from rest_framework.authtoken.models import Token

    User.objects.filter(pk=user.pk).update(sessions_ended_at=timezone.now())
    Token.objects.filter(user=user).delete()
    record_account_event(
        user,
        action=AuditEvent.Action.SESSIONS_ENDED,
        changes={"by": actor.get_username() if actor else "system", "reason": reason},
    )


@transaction.atomic
def user_set_active(*, actor, user, is_active: bool) -> None:
    """Disable or re-enable an account (audited); disabling ends its sessions."""
    User.objects.filter(pk=user.pk).update(is_active=is_active)
    record_account_event(
        user, action=AuditEvent.Action.UPDATE, changes={"is_active": [not is_active, is_active]}
    )
    if not is_active:
        user_end_sessions(actor=actor, user=user, reason="disabled")


def user_unlock(*, actor, user) -> None:
    """Lift a sign-in lockout of a user (django-axes' attempts for the username), audited."""
    from axes.utils import reset

    reset(username=user.get_username())
    record_account_event(
        user, action=AuditEvent.Action.UPDATE, changes={"unlocked_by": actor.get_username()}
    )
