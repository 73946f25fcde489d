"""Writes to the registry. Each service validates, enforces the rules of the seeds (refusing
with a message staff can act on), owns its transaction and leaves the audit trail to
BureauOwnedModel; rule warnings of the institution are refreshed after every change."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus import rls
from institutions import credit_code as cc
from institutions import rules
from institutions.models import (
    EXPIRY_WARNING_DAYS,
    AnnualReview,
    Credential,
    Institution,
    ListEntry,
    Site,
    Staff,
    StatusChange,
)

S = Institution.Status

# Issue 3 item 5: 筹设 → 正常 ↔ 停办整改, and → 取缔 / 注销 / 歇业; the last three are final.
TRANSITIONS: dict[str, frozenset] = {
    S.PREPARING: frozenset({S.NORMAL, S.BANNED, S.CLOSED}),
    S.NORMAL: frozenset({S.SUSPENDED, S.BANNED, S.DEREGISTERED, S.CLOSED}),
    S.SUSPENDED: frozenset({S.NORMAL, S.BANNED, S.DEREGISTERED, S.CLOSED}),
    S.BANNED: frozenset(),
    S.DEREGISTERED: frozenset(),
    S.CLOSED: frozenset(),
}

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


def credit_code_error(code: str) -> str | None:
    """The Chinese message for a malformed credit code, or None (GB 32100-2015)."""
    problem = cc.problem(code)
    if problem == "length":
        return _("A unified social credit code has 18 characters.")
    if problem == "characters":
        return _(
            "A unified social credit code uses only digits and capital letters "
            "(not I, O, Z, S or V)."
        )
    if problem == "check":
        return _("The check digit of this credit code is wrong; please check the code.")
    return None


def credit_code_taken(code: str, *, exclude_pk=None) -> bool:
    """Credit codes are unique across the whole platform, not only within a district (a yes or
    no over every district: row-level security is lifted for this one question)."""
    taken = Institution._base_manager.filter(credit_code=code)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    with rls.platform_access("credit codes are unique across the platform (GB 32100-2015)"):
        return taken.exists()


def new_institution_refusal(*, category, preschool, compulsory, highschool) -> str | None:
    """Why no new institution of this kind may be approved (seed 003 §12), or None."""
    # seed 003 §12: 不再审批新的面向学龄前儿童的校外培训机构.
    if preschool:
        return _("No new training institution for pre-school children may be approved.")
    # seed 003 §12: 不再审批新的面向义务教育阶段学生的学科类校外培训机构 …和面向普通高中学生的.
    if category == Institution.Category.ACADEMIC and compulsory:
        return _("No new academic institution for compulsory-education pupils may be approved.")
    if category == Institution.Category.ACADEMIC and highschool:
        return _("No new academic institution for high-school students may be approved.")
    return None


def institution_kind(record) -> dict:
    """The category and audience of an institution or of a mapping of its field values."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    return {
        "category": get("category"),
        "preschool": get("audience_preschool"),
        "compulsory": get("audience_compulsory"),
        "highschool": get("audience_highschool"),
    }


def restricted_change_refusal(*, before, after) -> str | None:
    """Why changing an existing institution (`before` → `after`: instances or field-value
    mappings) counts as approving a new restricted one (seed 003 §12), or None. Existing
    records keep what they had and show a warning instead."""
    was, now = institution_kind(before), institution_kind(after)
    if now == was or new_institution_refusal(**was):
        return None
    return new_institution_refusal(**now)


def _check_institution(institution: Institution, *, before: dict | None) -> None:
    errors: dict[str, list] = {}
    institution.credit_code = cc.normalize(institution.credit_code)
    if institution.credit_code:
        message = credit_code_error(institution.credit_code)
        if message:
            errors.setdefault("credit_code", []).append(message)
        elif credit_code_taken(institution.credit_code, exclude_pk=institution.pk):
            errors.setdefault("credit_code", []).append(
                _("An institution with this credit code is already registered.")
            )
    if institution.street_id and institution.street.bureau_id != institution.bureau_id:
        errors.setdefault("street", []).append(_("Choose a street of your own district."))
    academic = institution.category == Institution.Category.ACADEMIC
    if before is None:
        refusal = new_institution_refusal(**institution_kind(institution))
    else:
        refusal = restricted_change_refusal(before=before, after=institution)
    if refusal:
        errors.setdefault("category", []).append(refusal)
    # seed 003 §13: academic institutions are non-profit.
    profit_changed = before is None or (
        before["category"] != institution.category or before["profit"] != institution.profit
    )
    if academic and institution.profit == Institution.Profit.FOR_PROFIT and profit_changed:
        errors.setdefault("profit", []).append(
            _("An academic institution must be registered as non-profit.")
        )
    if errors:
        raise ValidationError(errors)
    try:
        institution.full_clean(exclude=["bureau", "street", "contact_phone", "warning_codes"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def institution_refresh_warnings(*, institution: Institution, today: dt.date | None = None):
    """Recompute the rule warnings of one institution and store them if they changed."""
    today = today or timezone.localdate()
    codes = rules.warning_codes(
        institution=institution,
        credentials=list(Credential._base_manager.filter(institution=institution)),
        staff=list(Staff._base_manager.filter(institution=institution)),
        sites=list(Site._base_manager.filter(institution=institution)),
        today=today,
    )
    if codes != institution.warning_codes:
        institution.warning_codes = codes
        institution.save(update_fields=["warning_codes", "updated_at"])
    return codes


@transaction.atomic
def institution_register(*, actor, bureau, **fields) -> Institution:
    """Put a new institution on the district's registry (status 筹设 unless the survey says
    otherwise is done through the import)."""
    unknown = set(fields) - set(INSTITUTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    institution = Institution(bureau=bureau, **fields)
    institution.refresh_derived()
    _check_institution(institution, before=None)
    institution.save()
    institution_refresh_warnings(institution=institution)
    return institution


@transaction.atomic
def institution_update(*, actor, institution: Institution, **fields) -> Institution:
    """Change what is on file about an institution (not its status: see change_status)."""
    unknown = set(fields) - set(INSTITUTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = (
        Institution._base_manager.filter(pk=institution.pk)
        .values(
            "category",
            "profit",
            "audience_preschool",
            "audience_compulsory",
            "audience_highschool",
        )
        .get()
    )
    for name, value in fields.items():
        setattr(institution, name, value)
    if (
        "category" in fields
        and "department" not in fields
        and before["category"] != (institution.category)
    ):
        institution.department = ""
    institution.refresh_derived()
    _check_institution(institution, before=before)
    institution.save()
    institution_refresh_warnings(institution=institution)
    return institution


def _valid_credentials(institution: Institution, today: dt.date) -> set[str]:
    return {
        c.kind
        for c in Credential._base_manager.filter(institution=institution)
        if c.is_valid_on(today)
    }


@transaction.atomic
def institution_change_status(
    *, actor, institution: Institution, to_status: str, reason: str, decided_on=None
) -> StatusChange:
    """Move an institution along its lifecycle; only the allowed transitions, each with a
    reason, recorded in its history and the audit trail."""
    institution = Institution._base_manager.select_for_update().get(pk=institution.pk)
    from_status = institution.status
    reason = (reason or "").strip()
    if to_status not in S.values:
        raise ValidationError({"to_status": [_("Choose a valid status.")]})
    if to_status not in TRANSITIONS[from_status]:
        raise ValidationError(
            {
                "to_status": [
                    _("An institution cannot go from “%(from)s” to “%(to)s”.")
                    % {"from": S(from_status).label, "to": S(to_status).label}
                ]
            }
        )
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for this status change.")]})
    today = timezone.localdate()
    if to_status == S.NORMAL:
        # seed 000 §八: no training without a school-running licence and a business licence
        # (or a private non-enterprise registration certificate).
        valid = _valid_credentials(institution, today)
        if Credential.Kind.SCHOOL_LICENCE not in valid:
            raise ValidationError(
                {"to_status": [_("A valid school-running licence is required to operate.")]}
            )
        if not valid & {Credential.Kind.BUSINESS_LICENCE, Credential.Kind.PNE_CERTIFICATE}:
            raise ValidationError(
                {
                    "to_status": [
                        _(
                            "A valid business licence or private non-enterprise registration "
                            "certificate is required to operate."
                        )
                    ]
                }
            )
    institution.status = to_status
    institution.save(update_fields=["status", "updated_at"])
    change = StatusChange.objects.create(
        bureau=institution.bureau,
        institution=institution,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        decided_on=decided_on or today,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if to_status in (S.BANNED, S.DEREGISTERED, S.CLOSED, S.SUSPENDED):
        # A white list names institutions parents may trust: one that is held or gone leaves it.
        _lift_active(
            institution,
            ListEntry.Kind.WHITE,
            reason=_("Status changed to “%(status)s”.") % {"status": S(to_status).label},
        )
    institution_refresh_warnings(institution=institution)
    return change


def _lift_active(institution, kind, *, reason):
    for entry in ListEntry._base_manager.filter(
        institution=institution, kind=kind, lifted_on__isnull=True
    ):
        entry.lifted_on = timezone.localdate()
        entry.lift_reason = reason
        entry.save()


@transaction.atomic
def list_entry_add(
    *,
    actor,
    institution: Institution,
    kind: str,
    reason: str = "",
    decided_on=None,
    publish: bool = False,
) -> ListEntry:
    """Put an institution on the white list or the black list (seeds 001 篇1 篇5, 004)."""
    institution = Institution._base_manager.select_for_update().get(pk=institution.pk)
    reason = (reason or "").strip()
    today = timezone.localdate()
    active = set(
        ListEntry._base_manager.filter(institution=institution, lifted_on__isnull=True).values_list(
            "kind", flat=True
        )
    )
    if kind not in ListEntry.Kind.values:
        raise ValidationError({"kind": [_("Choose the white list or the black list.")]})
    if kind in active:
        raise ValidationError({"kind": [_("This institution is already on this list.")]})
    if kind == ListEntry.Kind.BLACK:
        if not reason:
            raise ValidationError({"reason": [_("A black-list entry needs a reason.")]})
    else:
        if ListEntry.Kind.BLACK in active:
            raise ValidationError(
                {"kind": [_("A black-listed institution cannot be put on the white list.")]}
            )
        if institution.status == S.BANNED:
            raise ValidationError(
                {"kind": [_("A banned institution cannot be put on the white list.")]}
            )
        if institution.status != S.NORMAL:
            raise ValidationError(
                {"kind": [_("Only an operating institution can be put on the white list.")]}
            )
        # seed 003 §12: 审批通过的纳入白名单 — the white list is of approved institutions.
        if Credential.Kind.SCHOOL_LICENCE not in _valid_credentials(institution, today):
            raise ValidationError(
                {
                    "kind": [
                        _(
                            "Only an institution with a valid school-running licence can be "
                            "put on the white list."
                        )
                    ]
                }
            )
    if kind == ListEntry.Kind.BLACK:
        _lift_active(institution, ListEntry.Kind.WHITE, reason=_("Put on the black list."))
    entry = ListEntry(
        bureau=institution.bureau,
        institution=institution,
        kind=kind,
        reason=reason,
        decided_on=decided_on or today,
        published_on=today if publish else None,
    )
    entry.save()
    return entry


@transaction.atomic
def list_entry_publish(*, actor, entry: ListEntry, published_on=None) -> ListEntry:
    """Publish a decided entry: from then on the public list shows it."""
    if entry.lifted_on is not None:
        raise ValidationError(_("A lifted entry cannot be published."))
    if entry.published_on is None:
        entry.published_on = published_on or timezone.localdate()
        entry.save()
    return entry


@transaction.atomic
def list_entry_lift(*, actor, entry: ListEntry, reason: str, lifted_on=None) -> ListEntry:
    """Take an institution off a list, with the reason (the entry stays in the history)."""
    reason = (reason or "").strip()
    if entry.lifted_on is not None:
        raise ValidationError(_("This entry has already been lifted."))
    if not reason:
        raise ValidationError({"lift_reason": [_("Give the reason for lifting this entry.")]})
    entry.lifted_on = lifted_on or timezone.localdate()
    entry.lift_reason = reason
    entry.save()
    return entry


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
    credential = Credential._base_manager.filter(institution=institution, kind=kind).first()
    if credential is None:
        credential = Credential(bureau=institution.bureau, institution=institution, kind=kind)
    credential.number = number
    credential.issuer = issuer
    credential.issued_on = issued_on
    credential.expires_on = expires_on
    credential.scope = scope
    credential.expiry_state = credential.expiry_on(timezone.localdate())
    credential.save()
    institution_refresh_warnings(institution=institution)
    return credential


@transaction.atomic
def site_add(*, actor, institution: Institution, **fields) -> Site:
    """Put a teaching site on file; one without approval or fire acceptance is flagged."""
    site = Site(bureau=institution.bureau, institution=institution, **fields)
    if site.street_id and site.street.bureau_id != institution.bureau_id:
        raise ValidationError({"street": [_("Choose a street of your own district.")]})
    if not (site.address or "").strip():
        raise ValidationError({"address": [_("Enter the address of the site.")]})
    site.save()
    institution_refresh_warnings(institution=institution)
    return site


def staff_refusal(
    *, institution: Institution, is_teaching, qualification_number, is_in_service_teacher
) -> dict | None:
    """Why this person may not work at this institution, as field errors, or None."""
    # seed 003 §22: 不得聘任在职中小学教师; seed 000 §四: 不得聘用中小学在职教师.
    if is_in_service_teacher:
        return {
            "is_in_service_teacher": [
                _(
                    "An in-service primary or secondary school teacher may not be employed by a "
                    "training institution."
                )
            ]
        }
    # seed 000 §四, 003 §17: 从事学科类培训的人员必须具备相应教师资格.
    if (
        institution.category == Institution.Category.ACADEMIC
        and is_teaching
        and not (qualification_number or "").strip()
    ):
        return {
            "qualification_number": [
                _("Academic teaching staff must hold a teacher qualification certificate.")
            ]
        }
    return None


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
    refusal = staff_refusal(
        institution=institution,
        is_teaching=is_teaching,
        qualification_number=qualification_number,
        is_in_service_teacher=is_in_service_teacher,
    )
    if refusal:
        raise ValidationError(refusal)
    id_number = "".join((id_number or "").split()).upper()
    if id_number and not _id_number_ok(id_number):
        raise ValidationError({"id_number": [_("This resident ID number is not valid.")]})
    staff = Staff(
        bureau=institution.bureau,
        institution=institution,
        name=name.strip(),
        id_number=id_number,
        is_teaching=is_teaching,
        subjects=subjects,
        qualification_number=qualification_number.strip(),
        is_in_service_teacher=is_in_service_teacher,
    )
    staff.save()
    institution_refresh_warnings(institution=institution)
    return staff


@transaction.atomic
def staff_update(*, actor, staff: Staff, **fields) -> Staff:
    """Correct what is on file about a staff member; the same rules as for a new one."""
    for name, value in fields.items():
        setattr(staff, name, value.strip() if isinstance(value, str) else value)
    refusal = staff_refusal(
        institution=staff.institution,
        is_teaching=staff.is_teaching,
        qualification_number=staff.qualification_number,
        is_in_service_teacher=staff.is_in_service_teacher,
    )
    if refusal:
        raise ValidationError(refusal)
    staff.id_number = "".join((staff.id_number or "").split()).upper()
    if staff.id_number and not _id_number_ok(staff.id_number):
        raise ValidationError({"id_number": [_("This resident ID number is not valid.")]})
    staff.save()
    institution_refresh_warnings(institution=staff.institution)
    return staff


@transaction.atomic
def staff_remove(*, actor, staff: Staff) -> None:
    """A person no longer works at the institution (the audit trail keeps the record)."""
    institution = staff.institution
    staff.delete()
    institution_refresh_warnings(institution=institution)


@transaction.atomic
def site_update(*, actor, site: Site, **fields) -> Site:
    """Correct a teaching site (approval or fire acceptance obtained later, a new address)."""
    for name, value in fields.items():
        setattr(site, name, value)
    if site.street_id and site.street.bureau_id != site.bureau_id:
        raise ValidationError({"street": [_("Choose a street of your own district.")]})
    if not (site.address or "").strip():
        raise ValidationError({"address": [_("Enter the address of the site.")]})
    site.save()
    institution_refresh_warnings(institution=site.institution)
    return site


@transaction.atomic
def site_remove(*, actor, site: Site) -> None:
    """A teaching site is closed."""
    institution = site.institution
    site.delete()
    institution_refresh_warnings(institution=institution)


def _id_number_ok(value: str) -> bool:
    """GB 11643-1999: 18 characters, ISO 7064 MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(value[:17], weights, strict=True))
    return "10X98765432"[total % 11] == value[17]


@transaction.atomic
def annual_review_record(
    *, actor, institution: Institution, year: int, result: str, reviewed_on=None, notes: str = ""
) -> AnnualReview:
    """Record (or correct) the annual review result of one year."""
    this_year = timezone.localdate().year
    if not 2000 <= int(year) <= this_year:
        raise ValidationError({"year": [_("Enter a year between 2000 and this year.")]})
    review = AnnualReview._base_manager.filter(institution=institution, year=year).first()
    if review is None:
        review = AnnualReview(bureau=institution.bureau, institution=institution, year=year)
    review.result = result
    review.reviewed_on = reviewed_on
    review.notes = notes
    review.full_clean(exclude=["bureau", "institution"])
    review.save()
    return review


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
