"""Demo data for `make run`: one institution account per demo district, on an institution
that has something to show (a rectification notice if the district issued one)."""

from django.contrib.auth import get_user_model

from bureaus.demo import DEMO_PASSWORD, DISTRICTS
from bureaus.models import Bureau
from inspections.selectors import notice_list_for_institution
from institutions.models import Institution
from portal.models import PortalAccount


def _institution(district):
    operating = Institution.objects.filter(bureau=district, status="normal").order_by("id")
    for institution in operating[:50]:
        if notice_list_for_institution(institution_id=institution.pk).exists():
            return institution
    return operating.first()


def seed() -> list[tuple[str, str]]:
    """Create the accounts (idempotent); returns (username, description) for the login list."""
    User = get_user_model()
    logins = []
    for code, (name, slug, _streets) in DISTRICTS.items():
        district = Bureau.objects.filter(code=code).first()
        if district is None:
            continue
        username = f"{slug}_institution"
        account = PortalAccount.objects.filter(user__username=username).first()
        if account is None:
            institution = _institution(district)
            if institution is None:
                continue
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, display_name=f"{institution.name}联系人"
            )
            account = PortalAccount.objects.create(user=user, institution=institution)
        logins.append((username, f"{name} · 机构端:{account.institution.name}"))
    return logins
