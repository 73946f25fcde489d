"""The institution's own record: register it, change what is on file, keep its warnings."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus import rls
from core.records import update_locked
from core.validators import phone_error
from institutions import credit_code as cc
from institutions import rules
from institutions.extensions import keep_foreign
from institutions.models import Credential, Institution, Site, Staff

INSTITUTION_FIELDS = (
    "name",
    "credit_code",
    "organization_form",
    "category",
    "department",
    "profit",
    "delivery",
    "audience_preschool",
    "audience_compulsory",
    "audience_highschool",
    "street",
    "address",
    "contact_name",
    "contact_phone",
)
# Fields Institution.refresh_derived() computes from the others.
DERIVED_FIELDS = ("name_initials", "search_bigrams", "department")
# What the restricted-kind and non-profit rules read of the record before a change.
RULE_FIELDS = (
    "category",
    "profit",
    "audience_preschool",
    "audience_compulsory",
    "audience_highschool",
)


def credit_code_taken(code: str, *, exclude_pk=None) -> bool:
    """Credit codes are unique across the whole platform, not only within a district (a yes or
    no over every district: row-level security is lifted for this one question)."""
    taken = Institution.objects.filter(credit_code=code)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    with rls.platform_access("credit codes are unique across the platform (GB 32100-2015)"):
        return taken.exists()


def credit_code_errors(code: str, *, exclude_pk=None) -> list:
    """The messages for a credit code that is malformed or already registered (empty: none)."""
    if not code:
        return [_("Enter the unified social credit code.")]
    message = rules.credit_code_error(code)
    if message:
        return [message]
    if credit_code_taken(code, exclude_pk=exclude_pk):
        return [rules.CREDIT_CODE_TAKEN]
    return []


def street_error(street, *, bureau_id) -> str | None:
    """The street of an institution or of its teaching site must be one of its district's."""
    if street is not None and street.bureau_id != bureau_id:
        return _("Choose a street of your own district.")
    return None


def _check_institution(institution: Institution, *, before: dict | None) -> None:
    errors: dict[str, list] = {}
    institution.credit_code = cc.normalize(institution.credit_code)
    if institution.credit_code or before is None or before.get("credit_code"):
        code_errors = credit_code_errors(institution.credit_code, exclude_pk=institution.pk)
        if code_errors:
            errors["credit_code"] = code_errors
    if street := street_error(institution.street, bureau_id=institution.bureau_id):
        errors.setdefault("street", []).append(street)
    for field, messages in rules.institution_refusals(before=before, after=institution).items():
        errors.setdefault(field, []).extend(messages)
    phone = phone_error(institution.contact_phone)
    if phone:
        errors.setdefault("contact_phone", []).append(phone)
    if errors:
        raise ValidationError(errors)
    try:
        institution.full_clean(exclude=["bureau", "street", "contact_phone", "warning_codes"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def institution_refresh_warnings(*, institution: Institution, today: dt.date | None = None):
    """Recompute the rule warnings of one institution and store them if they changed."""
    today = today or timezone.localdate()
    own = rules.warning_codes(
        institution=institution,
        credentials=list(Credential.objects.filter(institution=institution)),
        staff=list(Staff.objects.filter(institution=institution)),
        sites=list(Site.objects.filter(institution=institution)),
        today=today,
    )
    codes = keep_foreign(own, institution.warning_codes)
    if codes != institution.warning_codes:
        institution.warning_codes = codes
        institution.save(update_fields=["warning_codes", "updated_at"])
    return codes


def institution_record_update(record, fields: dict, *, check, also=()):
    """Correct a record on file about an institution that its warnings read (a teaching site, a
    staff member): the row locked, only the given fields written (core.records.update_locked),
    then the institution's warnings recomputed."""
    locked = update_locked(record, fields, check=check, also=also)
    institution_refresh_warnings(institution=locked.institution)
    return record


def institution_record_remove(record) -> None:
    """Remove a record on file about an institution that its warnings read, then recompute
    them."""
    institution = record.institution
    record.delete()
    institution_refresh_warnings(institution=institution)


def _check_fields(fields):
    unknown = set(fields) - set(INSTITUTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


@transaction.atomic
def institution_register(*, actor, bureau, **fields) -> Institution:
    """Put a new institution on the district's registry, in status 筹设 (a survey's other
    statuses come through the import, under the same rules)."""
    _check_fields(fields)
    institution = Institution(bureau=bureau, **fields)
    institution.refresh_derived()
    _check_institution(institution, before=None)
    institution.save()
    institution_refresh_warnings(institution=institution)
    return institution


@transaction.atomic
def institution_update(*, actor, institution: Institution, **fields) -> Institution:
    """Change what is on file about an institution (not its status: see lifecycle). The row is
    locked and only the fields that change are written, so two edits of different fields at
    once both land and a status change made meanwhile is never reverted."""
    _check_fields(fields)
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    before = {name: getattr(locked, name) for name in (*RULE_FIELDS, "credit_code")}
    changed = []
    for name, value in fields.items():
        attname = Institution._meta.get_field(name).attname
        value = getattr(value, "pk", value) if name == "street" else value
        if getattr(locked, attname) != value:
            setattr(locked, attname, value)
            changed.append(name)
    if "category" in changed and "department" not in fields:
        locked.department = ""
    locked.refresh_derived()
    _check_institution(locked, before=before)
    if changed:
        locked.save(update_fields=[*changed, *DERIVED_FIELDS, "updated_at"])
    institution_refresh_warnings(institution=locked)
    # The caller's instance (perhaps annotated for a response) shows the row as it now is.
    for field in Institution._meta.concrete_fields:
        setattr(institution, field.attname, getattr(locked, field.attname))
    return institution
