"""A campaign's reports: its own reporting days drive progress reports of each district's
share, its last day the final stamped report; a campaign summary on demand carries the
district's inspection figures (seed 001 篇3: 出动执法车辆16次, 执法人员46人次)."""

import datetime as dt

import pytest
from django.urls import reverse

from documents import tasks as document_tasks
from documents.models import IssuedDocument
from inspections.models import Inspection
from inspections.services import campaigns
from inspections.services.figures import figures_refresh
from institutions.models import Institution
from reports.models import PeriodicReport, ReportKind
from reports.periodic import services
from tests.documents.conftest import pdftotext, squeeze
from tests.inspections.conftest import act, seed_checklists

pytestmark = pytest.mark.django_db

STARTS, ENDS = dt.date(2026, 6, 1), dt.date(2026, 6, 20)


@pytest.fixture
def campaign(tree, as_system):
    seed_checklists()
    from inspections.models import ChecklistTemplate

    template = ChecklistTemplate.objects.filter(bureau=None).first()
    campaign = campaigns.campaign_issue(
        actor=act(tree.user("city", "supervisor")),
        name="暑期“监管护苗”专项行动",
        kind="special",
        template=template,
        starts_on=STARTS,
        ends_on=ENDS,
        report_days=[5, 15],
    )
    share = campaign.shares.get(bureau=tree.a)
    for persons, vehicles in ((30, 10), (16, 6)):
        institution = Institution.objects.create(bureau=tree.a, name="某培训学校", category="arts")
        Inspection.objects.create(
            share=share,
            institution=institution,
            planned_on=STARTS,
            status=Inspection.Status.CONCLUDED,
            personnel_times=persons,
            vehicle_trips=vehicles,
        )
    # Visits made without inspections' services: their figures per share are rebuilt.
    figures_refresh([share.pk])
    return campaign


def test_a_campaign_reports_on_its_own_days_and_ends_with_its_final_report(tree, campaign):
    services.reports_generate_due(today=dt.date(2026, 6, 21))
    a = PeriodicReport.objects.filter(bureau=tree.a, campaign_id=campaign.pk)
    assert sorted((r.kind, r.due_on) for r in a) == [
        (ReportKind.FINAL, ENDS),
        (ReportKind.PROGRESS, dt.date(2026, 6, 5)),
        (ReportKind.PROGRESS, dt.date(2026, 6, 15)),
    ]
    final = a.get(kind=ReportKind.FINAL)
    assert final.status == PeriodicReport.Status.ISSUED
    assert final.document.kind == IssuedDocument.Kind.SUMMARY
    assert "暑期“监管护苗”专项行动" in final.document.title
    # Each district of the city has its own share, hence its own reports.
    assert PeriodicReport.objects.filter(bureau=tree.b, campaign_id=campaign.pk).count() == 3


def test_a_campaign_summary_on_demand_reads_the_districts_inspection_figures(
    client, tree, campaign, tmp_path
):
    client.force_login(tree.user("a", "officer"))
    response = client.post(
        reverse("reports:periodic-report-request"),
        {"kind": ReportKind.CAMPAIGN_SUMMARY, "campaign": campaign.pk},
    )
    assert response.status_code == 302
    report = PeriodicReport.objects.get(kind=ReportKind.CAMPAIGN_SUMMARY)
    document_tasks.document_job_run.apply(args=[report.job_id]).get()
    report.refresh_from_db()
    text = squeeze(pdftotext(report.issued_document.file.read(), tmp_path))
    assert "共出动检查人员46人次、执法车辆16次,检查校外培训机构2所2次" in text
    assert "表3检查工作情况" in text
    # The campaign's own chart beside the registry's and the trend.
    assert "检查工作情况" in text.replace("表3检查工作情况", "")
    assert "执法人次" in text and "下发整改通知" in text and "近12个月趋势" in text
