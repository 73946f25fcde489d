"""Row-level security (bureaus.rls) for campaigns: a city's campaign writes each district's
share as the city, and a district reads the campaign, its phases and items through its share
only, and never changes them — enforced by PostgreSQL for the application's role."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from bureaus import rls
from inspections.models import Campaign, CampaignItem, CampaignPhase, CampaignShare
from inspections.services import campaigns
from tests.inspections.conftest import act

pytestmark = pytest.mark.django_db


def _issue(user, template, name):
    today = timezone.localdate()
    return campaigns.campaign_issue(
        actor=user,
        name=name,
        kind="special",
        template=template,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        phases=[("集中检查", today, today + dt.timedelta(days=30))],
    )


def test_a_city_issues_shares_and_each_district_reads_only_campaigns_it_has_a_share_of(tree, nine):
    city = act(tree.user("city", "supervisor"))
    with rls.use(rls.for_membership(city, city.membership)):
        campaign = _issue(city, nine, "市级专项检查")
    assert set(campaign.shares.values_list("bureau_id", flat=True)) == {tree.a.pk, tree.b.pk}
    officer_b = act(tree.user("b", "admin"))
    with rls.use(rls.for_membership(officer_b, officer_b.membership)):
        own_b = _issue(officer_b, nine, "上城区自查")

    officer_a = act(tree.user("a", "officer"))
    with rls.use(rls.for_membership(officer_a, officer_a.membership)):
        # Unfiltered queries: the database alone decides what district A reads.
        assert list(Campaign.objects.values_list("pk", flat=True)) == [campaign.pk]
        assert set(CampaignShare.objects.values_list("bureau_id", flat=True)) == {tree.a.pk}
        assert CampaignPhase.objects.filter(campaign=own_b).count() == 0
        assert CampaignItem.objects.filter(campaign=own_b).count() == 0
        assert CampaignPhase.objects.filter(campaign=campaign).count() == 1
        assert CampaignItem.objects.filter(campaign=campaign).count() == 9
        # Read through the share, never written.
        with pytest.raises(DatabaseError), transaction.atomic():
            Campaign.objects.filter(pk=campaign.pk).update(name="改名")
    assert Campaign.objects.get(pk=campaign.pk).name == "市级专项检查"
