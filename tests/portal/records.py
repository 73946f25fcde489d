"""Records for the portal's tests: institutions with accounts, notices and escrow warnings
addressed to one institution, and the maker of the staff invitation pages' isolation test."""

import datetime as dt

from django.utils import timezone

from bureaus.models import User
from inspections.models import Inspection, RectificationNotice
from institutions.models import Institution
from portal import services
from portal.models import PortalAccount, PortalInvitation
from tests.conftest import PASSWORD
from tests.inspections.records import _share, make_notice
from tests.records import maker


def institution(bureau, name, **fields):
    fields = {"category": "arts", "status": "normal", **fields}
    return Institution.objects.create(bureau=bureau, name=name, **fields)


def account(institution, username=None) -> PortalAccount:
    """An institution account as an accepted invitation makes it (no membership)."""
    user = User.objects.create_user(
        username=username or f"inst-{institution.pk}", password=PASSWORD, display_name="联系人"
    )
    return PortalAccount.objects.create(user=user, institution=institution)


def invitation(institution, *, contact_name="王老师", by=None):
    """An invitation as a district officer makes it; returns (invitation, link secret)."""
    by = by or User.objects.get_or_create(username=f"inviter-{institution.bureau.code}")[0]
    token = f"tok-{institution.pk}-{contact_name}-{timezone.now().timestamp()}"
    made = PortalInvitation.objects.create(
        institution=institution,
        contact_name=contact_name,
        token_hash=services.token_hash(token),
        expires_at=timezone.now() + dt.timedelta(hours=services.INVITATION_HOURS),
        created_by=by,
    )
    return made, token


def notice(institution, number, *, status=RectificationNotice.Status.ISSUED):
    """A rectification notice addressed to `institution`, from a visit of its district."""
    share = _share(institution.bureau, f"{number}行动")
    visit = Inspection.objects.create(
        share=share,
        institution=institution,
        planned_on=timezone.localdate(),
        status=Inspection.Status.IN_PROGRESS,
        started_at=timezone.now(),
    )
    return make_notice(
        visit, number, requirements="更换过期灭火器", note="灭火器过期", status=status
    )


@maker(PortalInvitation)
def _invitation(bureau, marker):
    return invitation(institution(bureau, marker), contact_name=marker[:50])[0]


def course(institution, name, *, status="submitted"):
    """A course filed by `institution` (as the filing service leaves it)."""
    from tests.courses.records import make_course

    return make_course(institution, name, subject="calligraphy", is_academic=False, status=status)
