"""Licences on file (办学许可证, 营业执照, 民办非企业单位登记证书; seed 000 §八) and the daily
check of their expiry."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import EXPIRY_WARNING_DAYS, Credential, Institution
from institutions.services.registry import institution_refresh_warnings


def valid_credential_kinds(institution: Institution, today: dt.date) -> set[str]:
    """The kinds of licence the institution holds valid on that day."""
    return {
        c.kind for c in Credential.objects.filter(institution=institution) if c.is_valid_on(today)
    }


@transaction.atomic
def credential_record(
    *,
    actor,
    institution: Institution,
    kind: str,
    number: str,
    issuer: str = "",
    issued_on=None,
    expires_on=None,
    scope: str = "",
) -> Credential:
    """Put a licence on file, replacing the previous one of the same kind (a renewal)."""
    number = (number or "").strip()
    errors = {}
    if not number:
        errors["number"] = [_("Enter the licence number.")]
    if issued_on and expires_on and expires_on < issued_on:
        errors["expires_on"] = [_("The expiry date is before the issue date.")]
    if kind not in Credential.Kind.values:
        errors["kind"] = [_("Choose a valid kind of licence.")]
    if errors:
        raise ValidationError(errors)
    # The institution's row is locked: two renewals at once make one credential of the kind.
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    credential = Credential.objects.filter(institution=locked, kind=kind).first()
    if credential is None:
        credential = Credential(institution=locked, kind=kind)
    credential.number = number
    credential.issuer = issuer
    credential.issued_on = issued_on
    credential.expires_on = expires_on
    credential.scope = scope
    credential.expiry_state = credential.expiry_on(timezone.localdate())
    credential.save()
    institution.warning_codes = institution_refresh_warnings(institution=locked)
    return credential


@transaction.atomic
def credentials_flag_expiry(*, today: dt.date | None = None) -> dict:
    """Daily: mark credentials expiring within 60 days and those expired, and refresh the
    warnings of their institutions. Idempotent: a second run the same day changes nothing."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    E = Credential.Expiry
    wanted = {
        E.EXPIRED: Q(expires_on__lt=today),
        E.EXPIRING: Q(expires_on__gte=today, expires_on__lte=soon),
        E.VALID: Q(expires_on__isnull=True) | Q(expires_on__gt=soon),
    }
    counts = {}
    touched: set[int] = set()
    for state, condition in wanted.items():
        stale = Credential.objects.filter(condition).exclude(expiry_state=state)
        touched.update(stale.values_list("institution_id", flat=True))
        counts[state] = stale.update(expiry_state=state)
    for institution in Institution.objects.filter(pk__in=touched):
        institution_refresh_warnings(institution=institution, today=today)
    counts["institutions"] = len(touched)
    return counts
