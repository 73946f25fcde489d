"""Invitations and institution accounts: who may invite, what a link allows, once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bureaus.models import Membership, User
from core.models import Notification
from inspections.models import RectificationNotice
from portal import services
from portal.models import PortalAccount, PortalInvitation
from tests.conftest import PASSWORD
from tests.portal import records

pytestmark = pytest.mark.django_db


def _acting(user):
    user.membership = Membership.objects.get(user=user)
    return user


def test_an_officer_invites_an_institution_of_their_district(tree):
    officer = _acting(tree.user("a", "officer"))
    institution = records.institution(tree.a, "西湖书法")
    invitation, token = services.invitation_create(
        actor=officer, institution=institution, contact_name=" 王老师 "
    )
    assert invitation.contact_name == "王老师"
    assert invitation.bureau_id == tree.a.pk
    assert invitation.status == PortalInvitation.Status.PENDING
    # The secret is not stored, only its hash.
    assert len(token) >= 40
    assert invitation.token_hash == services.token_hash(token) != token
    hours = (invitation.expires_at - invitation.created_at).total_seconds() / 3600
    assert round(hours) == services.INVITATION_HOURS


@pytest.mark.parametrize(("who", "district"), [("officer", "b"), ("auditor", "a")])
def test_only_the_institutions_own_district_officers_invite(tree, who, district):
    institution = records.institution(tree.a, "西湖书法")
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=_acting(tree.user(district, who)), institution=institution, contact_name="王"
        )
    assert not PortalInvitation.objects.exists()


def test_accepting_makes_an_institution_account_without_membership(tree):
    institution = records.institution(tree.a, "西湖书法")
    _invitation, token = records.invitation(institution)
    account = services.invitation_accept(token=token, username="xhsf", password=PASSWORD)
    assert account.institution == institution and account.bureau_id == tree.a.pk
    user = account.user
    assert user.check_password(PASSWORD) and user.display_name == "王老师"
    # Not staff: no membership, and no bureau keeps the account (no district admin lists it).
    assert not Membership.objects.filter(user=user).exists()
    assert user.bureau_id is None and not user.is_staff and not user.is_superuser
    _invitation.refresh_from_db()
    assert _invitation.status == PortalInvitation.Status.ACCEPTED


def test_a_link_works_once(tree):
    invitation, token = records.invitation(records.institution(tree.a, "西湖书法"))
    services.invitation_accept(token=token, username="first", password=PASSWORD)
    with pytest.raises(ValidationError) as refused:
        services.invitation_accept(token=token, username="second", password=PASSWORD)
    invitation.refresh_from_db()
    assert refused.value.messages == [services.invitation_refusal(invitation)]
    assert not User.objects.filter(username="second").exists()
    assert PortalAccount.objects.count() == 1


def test_an_expired_link_is_refused(tree):
    invitation, token = records.invitation(records.institution(tree.a, "西湖书法"))
    later = invitation.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, username="late", password=PASSWORD, now=later)
    just_before = invitation.expires_at - dt.timedelta(seconds=1)
    services.invitation_accept(token=token, username="intime", password=PASSWORD, now=just_before)


def test_an_unknown_link_is_refused(tree):
    with pytest.raises(ValidationError):
        services.invitation_accept(token="nothing-like-it", username="x", password=PASSWORD)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("xhsf", "short", "password"),
        ("xhsf", "alllowercaseletters", "password"),
        ("has space", PASSWORD, "username"),
        ("a_officer", PASSWORD, "username"),  # taken by a staff account
        ("", PASSWORD, "username"),
    ],
)
def test_bad_choices_are_refused_field_by_field_and_nothing_is_written(
    tree, username, password, field
):
    invitation, token = records.invitation(records.institution(tree.a, "西湖书法"))
    users = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.invitation_accept(token=token, username=username, password=password)
    assert field in refused.value.message_dict
    assert User.objects.count() == users and not PortalAccount.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_evidence_goes_through_the_notice_workflow_and_tells_the_district(tree):
    mine = records.institution(tree.a, "西湖书法")
    account = records.account(mine)
    notice = records.notice(mine, "西教整改〔2026〕1号")
    done = services.notice_evidence_submit(
        account=account, notice_id=notice.pk, evidence="已更换灭火器,附照片"
    )
    assert done.status == RectificationNotice.Status.SUBMITTED
    notice.refresh_from_db()
    assert notice.evidence == "已更换灭火器,附照片" and notice.evidence_at is not None
    officers = Notification.objects.filter(user=tree.user("a", "officer"))
    assert officers.filter(link=f"/inspections/notices/{notice.pk}/").count() == 1
    assert not Notification.objects.filter(user=tree.user("b", "officer")).exists()
    # Once submitted, the notice waits for the district: a second answer is refused.
    with pytest.raises(ValidationError):
        services.notice_evidence_submit(account=account, notice_id=notice.pk, evidence="再交一次")


def test_evidence_on_another_institutions_notice_is_not_found(tree):
    account = records.account(records.institution(tree.a, "西湖书法"))
    neighbour = records.notice(records.institution(tree.a, "西湖舞蹈"), "西教整改〔2026〕2号")
    with pytest.raises(RectificationNotice.DoesNotExist):
        services.notice_evidence_submit(account=account, notice_id=neighbour.pk, evidence="x")
    neighbour.refresh_from_db()
    assert neighbour.status == RectificationNotice.Status.ISSUED and not neighbour.evidence


def test_empty_evidence_is_refused_on_its_field(tree):
    mine = records.institution(tree.a, "西湖书法")
    notice = records.notice(mine, "西教整改〔2026〕3号")
    with pytest.raises(ValidationError) as refused:
        services.notice_evidence_submit(
            account=records.account(mine), notice_id=notice.pk, evidence="   "
        )
    assert "evidence" in refused.value.message_dict


def test_the_invitation_status_follows_the_clock(tree):
    invitation, _token = records.invitation(records.institution(tree.a, "西湖书法"))
    assert invitation.status_on(timezone.now()) == PortalInvitation.Status.PENDING
    assert (
        invitation.status_on(invitation.expires_at + dt.timedelta(minutes=1))
        == PortalInvitation.Status.EXPIRED
    )


def test_a_withdrawn_link_opens_nothing(tree):
    invitation, token = records.invitation(records.institution(tree.a, "西湖书法"))
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=_acting(tree.user("b", "officer")), invitation=invitation)
    services.invitation_revoke(actor=_acting(tree.user("a", "officer")), invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == PortalInvitation.Status.REVOKED
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, username="late", password=PASSWORD)
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=_acting(tree.user("a", "officer")), invitation=invitation)
    assert not User.objects.filter(username="late").exists()
