"""People working at an institution; the ID number is encrypted and shown masked."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from institutions import rules
from institutions.models import Institution, Staff
from institutions.services.registry import (
    institution_record_remove,
    institution_record_update,
    institution_refresh_warnings,
)


def id_number_ok(value: str) -> bool:
    """GB 11643-1999: 18 characters, ISO 7064 MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(value[:17], weights, strict=True))
    return "10X98765432"[total % 11] == value[17]


def _check_staff(staff: Staff) -> None:
    refusal = rules.staff_refusal(
        category=staff.institution.category,
        is_teaching=staff.is_teaching,
        qualification_number=staff.qualification_number,
        is_in_service_teacher=staff.is_in_service_teacher,
    )
    if refusal:
        raise ValidationError(refusal)
    staff.id_number = "".join((staff.id_number or "").split()).upper()
    if staff.id_number and not id_number_ok(staff.id_number):
        raise ValidationError({"id_number": [_("This resident ID number is not valid.")]})


@transaction.atomic
def staff_add(
    *,
    actor,
    institution: Institution,
    name: str,
    id_number: str = "",
    is_teaching: bool = True,
    subjects: str = "",
    qualification_number: str = "",
    is_in_service_teacher: bool = False,
) -> Staff:
    """Put a staff member on file (ID number encrypted, shown masked)."""
    staff = Staff(
        institution=institution,
        name=name.strip(),
        id_number=id_number,
        is_teaching=is_teaching,
        subjects=subjects,
        qualification_number=qualification_number.strip(),
        is_in_service_teacher=is_in_service_teacher,
    )
    _check_staff(staff)
    staff.save()
    institution_refresh_warnings(institution=institution)
    return staff


@transaction.atomic
def staff_update(*, actor, staff: Staff, **fields) -> Staff:
    """Correct what is on file about a staff member; the same rules as for a new one. The row
    is locked and only the given fields are written."""
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    also = ["id_number_index"] if "id_number" in fields else []
    return institution_record_update(staff, fields, check=_check_staff, also=also)


@transaction.atomic
def staff_remove(*, actor, staff: Staff) -> None:
    """A person no longer works at the institution (the audit trail keeps the record)."""
    institution_record_remove(staff)
