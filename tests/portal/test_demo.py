"""The demo institution accounts: one per demo district, each bound to an institution with a
rectification notice where the district issued one, listed among the demo logins; re-running
adds nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from bureaus.demo import DEMO_PASSWORD
from bureaus.models import Membership
from inspections import demo as inspections_demo
from institutions import demo as institutions_demo
from portal import demo
from portal.models import PortalAccount
from tests.demos import demo_seeded

pytestmark = pytest.mark.django_db


def test_demo_accounts_sign_in_to_their_portal():
    with demo_seeded(institutions_demo, inspections_demo):
        logins = demo.seed()
        assert demo.seed() == logins
    assert PortalAccount.objects.count() == 3 == len(logins)
    assert not Membership.objects.filter(user__portal_account__isnull=False).exists()
    username = logins[0][0]
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    account = PortalAccount.objects.get(user__username=username)
    assert account.institution.name in response.content.decode()
