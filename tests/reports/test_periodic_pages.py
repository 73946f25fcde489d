"""The periodic reports' pages: the archive and its downloads by district and by superior,
who has not reported, on-demand generation with its progress page, the text templates (an
unknown placeholder refused in Chinese), and verification of an issued report."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import tasks as document_tasks
from documents.models import DocumentJob
from reports.models import PeriodicReport, ReportKind, ReportTemplate
from reports.periodic import services
from tests.documents.conftest import pdftotext, squeeze

pytestmark = pytest.mark.django_db

LIST = reverse("reports:periodic-report-list")
MISSING = reverse("reports:periodic-report-missing")
TEMPLATES = reverse("reports:report-template")


def pdf_url(report):
    return reverse("reports:periodic-report-pdf", args=[report.pk])


@pytest.fixture
def reports(tree, as_system):
    made = {}
    for key, bureau in (("a", tree.a), ("b", tree.b)):
        report = services.report_owe(
            bureau=bureau, kind=ReportKind.PROGRESS, due_on=timezone.localdate()
        )
        made[key] = services.report_issue(report=report)
    return made


def login(client, user):
    client.force_login(user)
    return client


def test_a_district_never_sees_a_siblings_report_and_a_city_sees_all(client, tree, reports):
    login(client, tree.user("a", "officer"))
    body = client.get(LIST).content.decode()
    assert reports["a"].document.number in body and reports["b"].document.number not in body
    assert client.get(pdf_url(reports["a"])).status_code == 200
    assert client.get(pdf_url(reports["b"])).status_code == 404
    for who in (tree.user("city", "supervisor"), tree.user("province", "supervisor")):
        login(client, who)
        body = client.get(LIST).content.decode()
        assert reports["a"].document.number in body and reports["b"].document.number in body
        response = client.get(pdf_url(reports["b"]) + "?download=1")
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert hashlib.sha256(data).hexdigest() == reports["b"].document.sha256


def test_the_superior_sees_which_districts_have_not_reported(client, tree, as_system):
    today = timezone.localdate()
    due = max(d for d in (today - dt.timedelta(days=n) for n in range(62)) if d.day in (13, 27))
    report = services.report_owe(bureau=tree.a, kind=ReportKind.PROGRESS, due_on=due)
    services.report_issue(report=report)
    login(client, tree.user("city", "supervisor"))
    body = client.get(MISSING).content.decode()
    rows = dict(re.findall(r"<td>([^<]*教育局)</td><td>[^<]*</td>\s*<td>(.*?)</td>", body, re.S))
    assert "not-reported" not in rows[tree.a.name]
    assert "not-reported" in rows[tree.b.name]
    login(client, tree.user("b", "officer"))
    body = client.get(MISSING).content.decode()
    assert tree.a.name not in body and tree.b.name in body


def test_on_demand_generation_shows_its_progress_then_the_report(client, tree, as_system):
    login(client, tree.user("a", "officer"))
    response = client.post(reverse("reports:periodic-report-request"), {"kind": "progress"})
    job = DocumentJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:documentjob-detail", args=[job.pk])
    assert "0%" in client.get(response["Location"]).content.decode()
    # A second click the same day is the same report and the same job.
    client.post(reverse("reports:periodic-report-request"), {"kind": "progress"})
    assert DocumentJob.objects.count() == 1 and PeriodicReport.objects.count() == 1
    document_tasks.document_job_run.apply(args=[job.pk]).get()
    assert "100%" in client.get(response["Location"]).content.decode()
    report = PeriodicReport.objects.get()
    assert client.get(pdf_url(report)).status_code == 200
    # The next scheduled run records it as issued (and tells the district and the city).
    services.reports_generate_due(today=report.due_on)
    report.refresh_from_db()
    assert report.status == PeriodicReport.Status.ISSUED and not report.late
    assert report.document == report.job.document
    # A campaign summary needs one of the district's campaigns.
    refused = client.post(reverse("reports:periodic-report-request"), {"kind": "final"})
    assert refused.status_code == 200
    assert "请选择本区的一项专项行动" in refused.content.decode()


def test_an_unknown_placeholder_is_refused_in_chinese_and_a_known_one_is_filled(
    client, tree, tmp_path, as_system
):
    login(client, tree.user("a", "admin"))
    bad = client.post(
        TEMPLATES, {"kind": "progress", "text": "辖区内机构{institutions_total}所,{机构总数}所。"}
    )
    assert bad.status_code == 200
    assert "未知的占位符：{机构总数}" in bad.content.decode()
    assert not ReportTemplate.objects.exists()
    good = client.post(
        TEMPLATES,
        {"kind": "progress", "text": "本区截止到{as_of_month_end}共有机构{institutions_total}所。"},
    )
    assert good.status_code == 302
    report = services.report_owe(
        bureau=tree.a, kind=ReportKind.PROGRESS, due_on=dt.date(2026, 11, 13)
    )
    report = services.report_issue(report=report)
    text = squeeze(pdftotext(report.document.file.read(), tmp_path))
    assert "本区截止到2026年10月底共有机构0所。" in text
    # An officer does not word the district's reports.
    login(client, tree.user("a", "officer"))
    assert client.get(TEMPLATES).status_code == 403


def test_a_changed_byte_fails_verification_and_the_genuine_report_passes(client, reports, tmp_path):
    document = reports["a"].document
    data = document.file.read()
    upload = reverse("public_documents:verify-upload")

    def verdict(payload: bytes) -> str:
        body = client.post(upload, {"file": io.BytesIO(payload)}).content.decode()
        return body.split('data-testid="verdict" data-outcome="', 1)[1].split('"', 1)[0]

    assert verdict(data) == "genuine"
    bad = bytearray(data)
    bad[len(bad) // 4] = (bad[len(bad) // 4] + 1) % 256
    assert verdict(bytes(bad)) == "modified"
    # The QR code's address is printed under it: open it as a phone would.
    text = squeeze(pdftotext(data, tmp_path))
    url = re.search(r"https?://\S+?/public/documents/verify/[A-Za-z0-9_-]{32}/", text).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert document.number in page.content.decode()
