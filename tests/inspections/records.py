"""Makers for the isolation test: one record of each inspections model served by a route,
each in a campaign of the district's own (a city-issued campaign's shares are tested in
test_campaigns and test_api)."""

import datetime as dt

from django.utils import timezone

from bureaus.models import User
from inspections.models import (
    Campaign,
    CampaignItem,
    CampaignShare,
    ChecklistTemplate,
    Draw,
    Finding,
    Inspection,
    InspectionPolicy,
    RectificationNotice,
)
from inspections.models.draws import pack_ids, pool_digest
from institutions.models import Institution
from tests.records import maker


def _campaign(bureau, name):
    template = ChecklistTemplate.objects.get_or_create(name="隔离测试清单", bureau=None)[0]
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        bureau=bureau,
        name=name,
        kind=Campaign.Kind.ROUTINE,
        template=template,
        template_version=1,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        report_days=[13, 27],
    )
    CampaignItem.objects.create(campaign=campaign, area="场所安全", text="消防器材配齐", position=1)
    return campaign


def _share(bureau, name):
    return CampaignShare.objects.create(campaign=_campaign(bureau, name), bureau=bureau)


def _visit(bureau, name, *, status=Inspection.Status.IN_PROGRESS):
    share = _share(bureau, name)
    institution = Institution.objects.create(bureau=bureau, name=name, category="arts")
    return Inspection.objects.create(
        share=share,
        institution=institution,
        planned_on=timezone.localdate(),
        status=status,
        started_at=timezone.now(),
    )


@maker(Campaign)
def _campaign_maker(bureau, marker):
    return _campaign(bureau, marker)


@maker(CampaignShare)
def _share_maker(bureau, marker):
    return _share(bureau, marker)


@maker(Inspection)
def _inspection(bureau, marker):
    return _visit(bureau, marker)


@maker(RectificationNotice)
def _notice(bureau, marker):
    return make_notice(_visit(bureau, marker), f"{marker}整改1号")


def make_notice(visit, number, *, requirements="配齐消防器材", note="", **fields):
    """A rectification notice issued on `visit` (due in a week), citing one violation found
    on its campaign's item; `fields` override."""
    finding = Finding.objects.create(
        inspection=visit,
        item=visit.share.campaign.items.get(),
        result=Finding.Result.VIOLATION,
        note=note,
        answered_at=timezone.now(),
    )
    issuer = User.objects.get_or_create(username=f"issuer-{visit.bureau.code}")[0]
    notice = RectificationNotice.objects.create(
        inspection=visit,
        number=number,
        requirements=requirements,
        working_days=5,
        due_on=timezone.localdate() + dt.timedelta(days=7),
        issued_at=timezone.now(),
        issued_by=issuer,
        **fields,
    )
    notice.findings.set([finding])
    return notice


@maker(Draw)
def _draw(bureau, marker):
    share = _share(bureau, marker)
    drawer = User.objects.get_or_create(username=f"drawer-{bureau.code}")[0]
    return Draw.objects.create(
        share=share,
        seed="isolation",
        algorithm="sha256-rank-1",
        pool_size=1,
        pool_digest=pool_digest(pack_ids([1]), b""),
        count=1,
        result=[{"institution": 1, "inspectors": {}}],
        drawn_by=drawer,
    )


@maker(InspectionPolicy)
def _policy(bureau, marker):
    return InspectionPolicy.objects.create(bureau=bureau, city_escalation_days=7)
