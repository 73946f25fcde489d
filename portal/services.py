"""Writes of the portal: invitations (staff side), their acceptance (the invited person), and
the institution's answers to other apps' records, through those apps' services."""

import datetime as dt
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.permissions import membership_may
from core import notifications
from inspections.selectors import notice_get_for_institution
from inspections.services.notices import link as notice_link
from inspections.services.notices import notice_submit_evidence_from_institution
from portal.models import PortalAccount, PortalInvitation
from portal.selectors import token_hash

INVITATION_HOURS = 72
INVITE = "portalinvitation.change"


@transaction.atomic
def invitation_create(
    *, actor, institution, contact_name: str, now: dt.datetime | None = None
) -> tuple[PortalInvitation, str]:
    """Invite an institution's contact to the portal. Returns the invitation and the secret of
    its link, which is shown once and never stored (only its SHA-256 is)."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, INVITE) or membership.bureau_id != institution.bureau_id:
        raise PermissionDenied
    if not contact_name.strip():
        raise ValidationError({"contact_name": _("Give the name of the person invited.")})
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation(
        institution=institution,
        contact_name=contact_name.strip(),
        token_hash=token_hash(token),
        expires_at=now + dt.timedelta(hours=INVITATION_HOURS),
        created_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    return invitation, token


def invitation_refusal(invitation: PortalInvitation | None, now=None) -> str | None:
    """Why this link cannot be used now (the same words for an unknown link and a used one
    would hide nothing useful: the person needs to know to ask for a new link), or None."""
    if invitation is None:
        return _(
            "This invitation link is not valid. Please ask the education bureau for a new one."
        )
    status = invitation.status_on(now)
    if status == PortalInvitation.Status.ACCEPTED:
        return _("This invitation link has already been used. Sign in with the account it created.")
    if status == PortalInvitation.Status.EXPIRED:
        return _("This invitation link has expired. Please ask the education bureau for a new one.")
    if status == PortalInvitation.Status.REVOKED:
        return _(
            "This invitation link has been withdrawn. "
            "Please ask the education bureau for a new one."
        )
    return None


@transaction.atomic
def invitation_accept(
    *, token: str, username: str, password: str, now: dt.datetime | None = None
) -> PortalAccount:
    """The invited person creates their institution account: their own username and password
    (the project's password validators). The invitation row is locked and re-checked, so a
    link used twice at once makes one account; an expired or used link is refused."""
    now = now or timezone.now()
    invitation = (
        PortalInvitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    )
    refusal = invitation_refusal(invitation, now)
    if refusal:
        raise ValidationError(refusal, code="invitation")
    User = get_user_model()
    username = username.strip()
    errors = {}
    if not username:
        errors["username"] = [_("Choose a username.")]
    else:
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors["username"] = exc.messages
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("This username is taken; please choose another.")]
    # The user is not bureau staff: no bureau keeps the account (User.bureau stays empty), so
    # no district administrator can list it or grant it a membership.
    user = User(username=username, display_name=invitation.contact_name)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another person took the same username a moment ago.
        raise ValidationError(
            {"username": [_("This username is taken; please choose another.")]}
        ) from None
    account = PortalAccount(user=user, institution=invitation.institution, invitation=invitation)
    account.full_clean()
    account.save()
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    return account


@transaction.atomic
def notice_evidence_submit(*, account: PortalAccount, notice_id: int, evidence: str):
    """The institution answers a rectification notice addressed to it with its evidence
    (inspections' workflow); the district's officers are told. Another institution's notice
    is RectificationNotice.DoesNotExist, like one that does not exist."""
    notice = notice_get_for_institution(institution_id=account.institution_id, pk=notice_id)
    notice = notice_submit_evidence_from_institution(
        actor=account.user,
        notice=notice,
        institution_id=account.institution_id,
        evidence=evidence,
    )
    notifications.notify_many(
        users=notifications.district_staff(notice.bureau_id, action="rectificationnotice.change"),
        bureau_id=notice.bureau_id,
        message=_("Evidence of rectification received for notice %(number)s.")
        % {"number": notice.number},
        link=notice_link(notice),
        key=f"portal-evidence:{notice.pk}:{notice.evidence_at.isoformat()}",
    )
    return notice


@transaction.atomic
def invitation_revoke(*, actor, invitation: PortalInvitation, now=None) -> PortalInvitation:
    """Withdraw a link not used yet (sent to the wrong person, say): it then opens nothing.
    The row is locked and re-checked, so a revocation and an acceptance at once make one."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, INVITE) or membership.bureau_id != invitation.bureau_id:
        raise PermissionDenied
    locked = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status_on(now) != PortalInvitation.Status.PENDING:
        raise ValidationError(
            _("Only an invitation waiting to be accepted can be withdrawn."), code="state"
        )
    locked.revoked_at = now or timezone.now()
    locked.save(update_fields=["revoked_at"])
    return locked
