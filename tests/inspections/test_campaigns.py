"""Campaigns: issued by a city to its districts (one share each) or by a district for itself;
the checklist is frozen at issue; seeded templates; reporting dates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import Campaign, CampaignShare, ChecklistTemplate
from inspections.services import campaigns
from tests.inspections.conftest import act, issue_campaign

pytestmark = pytest.mark.django_db


def test_seeded_templates_hold_the_seed_items(db):
    counts = {
        t.name: list(t.items.values_list("area", flat=True))
        for t in ChecklistTemplate.objects.filter(bureau=None)
    }
    assert len(counts["校外培训机构专项整治八项重点"]) == 8
    assert counts["校外培训机构专项整治八项重点"][0] == "场所安全"
    assert len(counts["暑期专项检查九方面"]) == 9
    assert counts["学科类校外培训治理“回头看”七看"] == [
        "假注销真运营",
        "营转非",
        "收费监管",
        "隐形变异",
        "材料和人员",
        "数据填报",
        "风险防范",
    ]


def test_city_campaign_has_one_share_per_district(campaign, tree):
    assert campaign.bureau == tree.city
    assert sorted(
        CampaignShare.objects.filter(campaign=campaign).values_list("bureau", flat=True)
    ) == sorted([tree.a.pk, tree.b.pk])
    # A district sees its own share only; the city sees both.
    a_user = act(tree.user("a", "officer"))
    assert list(CampaignShare.objects.visible_to(a_user).values_list("bureau", flat=True)) == [
        tree.a.pk
    ]
    city = act(tree.user("city", "supervisor"))
    assert CampaignShare.objects.visible_to(city).count() == 2
    assert Campaign.objects.visible_to(a_user).count() == 0
    assert campaign.report_days == [13, 27]
    assert [p.name for p in campaign.phases.all()] == ["自查自纠", "集中检查"]


def test_district_campaign_is_its_own_share(tree, nine):
    campaign = issue_campaign(act(tree.user("a", "officer")), nine)
    assert list(campaign.shares.values_list("bureau", flat=True)) == [tree.a.pk]


def test_campaign_freezes_its_checklist(tree, nine, campaign):
    officer = act(tree.user("a", "officer"))
    copy = campaigns.checklist_template_copy(actor=officer, template=nine, name="西湖区九方面")
    campaigns.checklist_item_add(actor=officer, template=copy, area="其他", text="新增检查项")
    copy.refresh_from_db()
    assert copy.version == 2 and copy.items.count() == 10
    assert campaign.items.count() == 9 and campaign.template_version == 1
    later = issue_campaign(officer, copy, name="回头看", kind="review")
    assert later.items.count() == 10 and later.template_version == 2
    # Changing the template again leaves the campaign's items as issued.
    campaigns.checklist_item_add(actor=officer, template=copy, area="其他", text="再加一项")
    assert later.items.count() == 10


def test_national_template_is_copied_before_it_is_changed(tree, nine):
    with pytest.raises(ValidationError):
        campaigns.checklist_item_add(
            actor=act(tree.user("a", "officer")), template=nine, area="x", text="y"
        )
    assert nine.items.count() == 9


def test_another_bureaus_template_is_refused(tree, nine):
    copy = campaigns.checklist_template_copy(actor=act(tree.user("b", "officer")), template=nine)
    with pytest.raises(ValidationError) as exc:
        issue_campaign(act(tree.user("a", "officer")), copy, name="x")
    assert "template" in exc.value.message_dict


def test_phase_outside_the_campaign_is_refused_and_nothing_written(tree, nine):
    before = Campaign.objects.count()
    with pytest.raises(ValidationError) as exc:
        issue_campaign(
            act(tree.user("city", "supervisor")),
            nine,
            name="回头看",
            kind="review",
            phases=[("总结报送", dt.date(2026, 6, 11), dt.date(2026, 6, 20))],
        )
    assert "phases" in exc.value.message_dict
    assert Campaign.objects.count() == before


def test_inspector_may_not_issue_a_campaign(tree, nine):
    with pytest.raises(PermissionDenied):
        issue_campaign(act(tree.user("a", "inspector")), nine, name="x")


def test_report_dates_are_the_13th_and_27th(tree, nine):
    campaign = issue_campaign(act(tree.user("a", "officer")), nine, name="回头看", kind="review")
    assert campaigns.report_dates(campaign) == [
        dt.date(2026, 4, 13),
        dt.date(2026, 4, 27),
        dt.date(2026, 5, 13),
        dt.date(2026, 5, 27),
        dt.date(2026, 6, 13),
    ]
