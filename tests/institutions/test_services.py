"""Every rule and every status transition, through the services (as pages and API use them)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bureaus.models import AuditEvent, Department, Street
from institutions.models import Credential, Institution, StatusChange
from institutions.services.credentials import credential_record, credentials_flag_expiry
from institutions.services.lifecycle import institution_change_status
from institutions.services.registry import (
    institution_refresh_warnings,
    institution_register,
    institution_update,
)
from institutions.services.reviews import annual_review_record
from institutions.services.sites import site_add
from institutions.services.staff import staff_add
from tests.institutions.conftest import license_institution, valid_code, wrong_code

pytestmark = pytest.mark.django_db
S = Institution.Status


def refused(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


# --- registration: credit code, 003 §12, 003 §13 -------------------------------------------


def test_register_derives_department_and_initials_and_is_audited(tree, as_system):
    i = institution_register(
        actor=None,
        bureau=tree.a,
        name="西湖书画艺术培训学校",
        category="arts",
        credit_code=valid_code(1),
    )
    assert i.department == Department.Kind.CULTURE
    assert i.name_initials == "xhshyspxxx"
    assert i.status == S.PREPARING
    assert AuditEvent.objects.filter(model="institutions.institution", object_id=str(i.pk)).exists()


def test_wrong_check_digit_is_refused_in_chinese(tree, as_system):
    with pytest.raises(ValidationError) as exc:
        institution_register(
            actor=None, bureau=tree.a, name="甲", category="arts", credit_code=wrong_code(1)
        )
    assert "校验位" in refused(exc, "credit_code")
    assert not Institution.objects.exists()


def test_credit_code_is_unique_across_districts(tree, make_institution):
    make_institution(bureau=tree.b, credit_code=valid_code(7))
    with pytest.raises(ValidationError) as exc:
        make_institution(bureau=tree.a, credit_code=valid_code(7))
    assert "已登记" in refused(exc, "credit_code")


@pytest.mark.parametrize(
    ("category", "audience", "message"),
    [
        ("academic", {"audience_compulsory": True}, "义务教育"),
        ("academic", {"audience_highschool": True}, "高中"),
        ("arts", {"audience_preschool": True}, "学龄前"),
        ("academic", {"audience_preschool": True}, "学龄前"),
    ],
)
def test_no_new_restricted_institution_seed_003_12(make_institution, category, audience, message):
    with pytest.raises(ValidationError) as exc:
        make_institution(category=category, profit="non_profit", **audience)
    assert message in refused(exc, "category")


def test_non_academic_for_compulsory_pupils_is_allowed(make_institution):
    i = make_institution(category="sports", audience_compulsory=True)
    assert i.pk


def test_academic_must_be_non_profit_seed_003_13(make_institution):
    with pytest.raises(ValidationError) as exc:
        make_institution(category="academic", profit="for_profit")
    assert "非营利" in refused(exc, "profit")
    assert make_institution(category="academic", profit="non_profit").pk


def test_update_cannot_turn_into_a_restricted_kind(make_institution):
    i = make_institution(category="arts", audience_compulsory=True)
    with pytest.raises(ValidationError) as exc:
        institution_update(actor=None, institution=i, category="academic", profit="non_profit")
    assert "义务教育" in refused(exc, "category")


def test_existing_violation_is_kept_with_a_warning_and_other_edits_still_save(
    make_institution, as_system
):
    i = make_institution(category="arts")
    # A record from before the rules (e.g. surveyed): academic and for-profit.
    Institution.objects.filter(pk=i.pk).update(category="academic", profit="for_profit")
    i.refresh_from_db()
    institution_update(actor=None, institution=i, address="文三路1号")
    i.refresh_from_db()
    assert i.address == "文三路1号"
    assert "academic_for_profit" in i.warning_codes


def test_street_of_another_district_is_refused(tree, make_institution, as_system):
    other = Street.objects.create(bureau=tree.b, name="湖滨街道")
    with pytest.raises(ValidationError) as exc:
        make_institution(street=other)
    assert "本区" in refused(exc, "street")


# --- status lifecycle ----------------------------------------------------------------------

ALLOWED = [
    (S.PREPARING, S.NORMAL),
    (S.PREPARING, S.BANNED),
    (S.PREPARING, S.CLOSED),
    (S.NORMAL, S.SUSPENDED),
    (S.NORMAL, S.BANNED),
    (S.NORMAL, S.DEREGISTERED),
    (S.NORMAL, S.CLOSED),
    (S.SUSPENDED, S.NORMAL),
    (S.SUSPENDED, S.BANNED),
    (S.SUSPENDED, S.DEREGISTERED),
    (S.SUSPENDED, S.CLOSED),
]
REFUSED = [(a, b) for a in S.values for b in S.values if a != b and (a, b) not in ALLOWED]


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_allowed_transition_is_recorded_with_reason_and_audited(make_institution, tree, start, end):
    i = make_institution(licensed=True, status=start)
    officer = tree.user("a", "officer")
    officer.membership = officer.memberships.get()  # as a request sees them (bureaus.acting)
    change = institution_change_status(
        actor=officer, institution=i, to_status=end, reason="检查后决定"
    )
    i.refresh_from_db()
    assert i.status == end
    assert (change.from_status, change.to_status, change.reason) == (start, end, "检查后决定")
    assert change.actor == officer
    assert AuditEvent.objects.filter(
        model="institutions.statuschange", object_id=str(change.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        model="institutions.institution",
        object_id=str(i.pk),
        action="update",
        changes__status=[start, end],
    ).exists()


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_refused_transition_changes_nothing(make_institution, start, end):
    i = make_institution(licensed=True, status=start)
    with pytest.raises(ValidationError) as exc:
        institution_change_status(actor=None, institution=i, to_status=end, reason="试试")
    assert "不能从" in refused(exc, "to_status")
    i.refresh_from_db()
    assert i.status == start
    assert not StatusChange.objects.exists()


def test_transition_needs_a_reason(make_institution):
    i = make_institution(licensed=True)
    with pytest.raises(ValidationError) as exc:
        institution_change_status(actor=None, institution=i, to_status=S.NORMAL, reason="  ")
    assert "原因" in refused(exc, "reason")


def test_operating_requires_licences_seed_000_8(make_institution):
    i = make_institution()
    with pytest.raises(ValidationError) as exc:
        institution_change_status(actor=None, institution=i, to_status=S.NORMAL, reason="开业")
    assert "办学许可证" in refused(exc, "to_status")
    credential_record(actor=None, institution=i, kind="school_licence", number="教民1号")
    with pytest.raises(ValidationError) as exc:
        institution_change_status(actor=None, institution=i, to_status=S.NORMAL, reason="开业")
    assert "营业执照" in refused(exc, "to_status")
    credential_record(actor=None, institution=i, kind="pne_certificate", number="民1")
    institution_change_status(actor=None, institution=i, to_status=S.NORMAL, reason="开业")


def test_expired_licence_does_not_allow_operating(make_institution):
    i = make_institution()
    license_institution(i, expires_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        institution_change_status(actor=None, institution=i, to_status=S.NORMAL, reason="开业")


# --- staff: 000 §四, 003 §17 §22 -----------------------------------------------------------


def test_academic_teacher_needs_qualification(make_institution):
    i = make_institution(category="academic", profit="non_profit")
    with pytest.raises(ValidationError) as exc:
        staff_add(actor=None, institution=i, name="张老师", subjects="数学")
    assert "教师资格" in refused(exc, "qualification_number")
    staff_add(
        actor=None,
        institution=i,
        name="张老师",
        subjects="数学",
        qualification_number="20213300000001",
    )
    # Non-teaching staff and non-academic teachers need none.
    staff_add(actor=None, institution=i, name="李会计", is_teaching=False)
    arts = make_institution(category="arts")
    staff_add(actor=None, institution=arts, name="王老师", subjects="国画")


@pytest.mark.parametrize("category", ["academic", "arts"])
def test_in_service_teacher_is_refused(make_institution, category):
    i = make_institution(category=category, profit="non_profit")
    with pytest.raises(ValidationError) as exc:
        staff_add(
            actor=None,
            institution=i,
            name="赵老师",
            qualification_number="1",
            is_in_service_teacher=True,
        )
    assert "在职" in refused(exc, "is_in_service_teacher")


def test_staff_id_number_is_encrypted_masked_and_redacted(make_institution, as_system):
    from django.db import connection

    from institutions.models import Staff

    i = make_institution()
    staff = staff_add(actor=None, institution=i, name="王小明", id_number="11010519491231002X")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM institutions_staff WHERE id = %s", [staff.pk])
        stored = cursor.fetchone()[0]
    assert "11010519491231002X" not in stored
    assert Staff.objects.get(pk=staff.pk).masked_id_number == "1101**********002X"
    event = AuditEvent.objects.get(model="institutions.staff", object_id=str(staff.pk))
    assert event.changes["id_number"] == "***"
    with pytest.raises(ValidationError) as exc:
        staff_add(actor=None, institution=i, name="错号", id_number="110105194912310021")
    assert "身份证" in refused(exc, "id_number")


def test_existing_staff_become_warnings_when_category_changes(make_institution, as_system):
    i = make_institution(category="arts")
    staff_add(actor=None, institution=i, name="王老师", subjects="国画")
    Institution.objects.filter(pk=i.pk).update(category="academic", profit="non_profit")
    i.refresh_from_db()
    assert "unqualified_teacher" in institution_refresh_warnings(institution=i)


# --- warnings, credentials, sites, reviews -------------------------------------------------


def test_operating_without_licences_is_a_warning(make_institution):
    i = make_institution(status=S.NORMAL)
    codes = institution_refresh_warnings(institution=i)
    assert {"no_school_licence", "no_business_licence"} <= set(codes)
    license_institution(i)
    i.refresh_from_db()
    assert "no_school_licence" not in i.warning_codes


def test_sites_without_approval_or_fire_acceptance_are_warnings(make_institution):
    i = make_institution()
    site_add(actor=None, institution=i, address="文二路2号", approved=False, fire_safety="none")
    i.refresh_from_db()
    assert {"unapproved_site", "site_without_fire"} <= set(i.warning_codes)
    with pytest.raises(ValidationError):
        site_add(actor=None, institution=i, address=" ")


def test_credential_is_renewed_not_duplicated(make_institution):
    i = make_institution()
    credential_record(actor=None, institution=i, kind="school_licence", number="A1")
    credential_record(actor=None, institution=i, kind="school_licence", number="A2")
    assert list(Credential.objects.filter(institution=i).values_list("number", flat=True)) == ["A2"]
    with pytest.raises(ValidationError) as exc:
        credential_record(
            actor=None,
            institution=i,
            kind="school_licence",
            number="A3",
            issued_on=dt.date(2025, 1, 2),
            expires_on=dt.date(2025, 1, 1),
        )
    assert "早于" in refused(exc, "expires_on")


def test_annual_review_one_per_year(make_institution):
    i = make_institution()
    annual_review_record(actor=None, institution=i, year=2024, result="pass")
    review = annual_review_record(actor=None, institution=i, year=2024, result="fail")
    assert review.result == "fail" and i.annual_reviews.count() == 1
    with pytest.raises(ValidationError):
        annual_review_record(actor=None, institution=i, year=1990, result="pass")


def test_credentials_flag_expiry_is_idempotent(make_institution, as_system):
    today = timezone.localdate()
    soon = make_institution(licensed=True, status=S.NORMAL)
    # Time passes: licences recorded as valid come close to (or past) their expiry date.
    Credential.objects.filter(institution=soon, kind="school_licence").update(
        expires_on=today + dt.timedelta(days=30)
    )
    gone = make_institution(licensed=True, status=S.NORMAL)
    Credential.objects.filter(institution=gone, kind="school_licence").update(
        expires_on=today - dt.timedelta(days=1)
    )
    first = credentials_flag_expiry(today=today)
    assert first["expiring"] == 1 and first["expired"] == 1
    soon.refresh_from_db()
    gone.refresh_from_db()
    assert "licence_expiring" in soon.warning_codes
    assert "no_school_licence" in gone.warning_codes
    assert Credential.objects.get(institution=gone, kind="school_licence").expiry_state == (
        "expired"
    )
    events = AuditEvent.objects.count()
    second = credentials_flag_expiry(today=today)
    assert second == {"expired": 0, "expiring": 0, "valid": 0, "institutions": 0}
    assert AuditEvent.objects.count() == events


def test_status_steps_are_taken_only_by_who_may_change_the_registry(make_institution, tree):
    """The lifecycle runs on core.workflow: the acting district and the permission table."""
    from django.core.exceptions import PermissionDenied

    i = make_institution(licensed=True)
    for district, role in (("b", "officer"), ("a", "inspector"), ("city", "supervisor")):
        user = tree.user(district, role)
        user.membership = user.memberships.get()
        with pytest.raises(PermissionDenied):
            institution_change_status(actor=user, institution=i, to_status=S.NORMAL, reason="开业")
    i.refresh_from_db()
    assert i.status == S.PREPARING and not StatusChange.objects.exists()
