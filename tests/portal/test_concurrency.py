"""One invitation link used twice at once makes one account (the invitation row is locked and
re-checked), each attempt on its own database connection."""

import pytest
from django.core.exceptions import ValidationError

from bureaus.models import User
from portal import services
from portal.models import PortalAccount
from tests.concurrency import run_concurrently
from tests.conftest import PASSWORD
from tests.portal import records


@pytest.mark.django_db(transaction=True)
def test_a_link_used_twice_at_once_makes_one_account(tree):
    invitation, token = records.invitation(records.institution(tree.a, "西湖书法"))

    def accept(i):
        return services.invitation_accept(token=token, username=f"racer{i}", password=PASSWORD)

    results = run_concurrently(accept, 4)
    made = [r for r in results if isinstance(r, PortalAccount)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 3, results
    assert PortalAccount.objects.filter(invitation=invitation).count() == 1
    assert User.objects.filter(username__startswith="racer").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_links_racing_for_one_username_make_one_account(tree):
    institution = records.institution(tree.a, "西湖书法")
    tokens = [records.invitation(institution, contact_name=f"联系人{i}")[1] for i in range(2)]

    def accept(i):
        return services.invitation_accept(token=tokens[i], username="same", password=PASSWORD)

    results = run_concurrently(accept, 2)
    assert sum(isinstance(r, PortalAccount) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "username" in refused[0].message_dict
    assert User.objects.filter(username="same").count() == 1
