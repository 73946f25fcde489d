"""The progress report of seed 001 篇1: its figures read from the registry's history as of a
past month end, in the right sentences of the issued PDF."""

import io
import subprocess

import pytest
from django.utils import timezone
from pypdf import PdfReader

from documents.models import IssuedDocument
from institutions import selectors as institution_selectors
from reports.models import ReportKind
from reports.periodic import content, services
from tests.documents.conftest import pdftotext, squeeze
from tests.reports.periodic_records import (
    AFTER_MONTH_END,
    DUE,
    MONTH_END,
    PERIOD_START,
    build_seed_001,
)

pytestmark = pytest.mark.django_db

SEED_001 = {
    "institutions_total": 115,
    "licensed_before_period": 7,
    "academic_business_only": 10,
    "rectified": 45,
    "licences_issued": 4,
    "banned_or_closed": 45,
    "suspended": 18,
    "white_listed": 10,
}


@pytest.fixture
def seeded(tree, as_system):
    build_seed_001(tree.a)
    return tree.a


def _figures(bureau, as_of):
    return institution_selectors.registry_figures_as_of(
        bureau_ids=[bureau.pk], period_start=PERIOD_START, as_of=as_of
    )


def test_figures_at_the_month_end_come_from_the_history_not_today(seeded):
    then = _figures(seeded, MONTH_END)
    assert {k: then[k] for k in SEED_001} == SEED_001
    # November's changes (5 suspended banned, 2 licensed suspended, one new institution) show
    # in later figures, never in October's.
    later = _figures(seeded, max(AFTER_MONTH_END, timezone.localdate()))
    assert later["suspended"] == 18 - 5 + 2
    assert later["banned_or_closed"] == 50
    assert later["institutions_total"] == 116
    assert later["white_listed"] == 8


def _page_texts(data: bytes, tmp_path, pages: int) -> list[str]:
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    return [
        squeeze(
            subprocess.run(
                ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        )
        for n in range(1, pages + 1)
    ]


def test_the_issued_progress_report_reads_the_seed_figures_in_sentences_tables_and_charts(
    seeded, tmp_path
):
    """One issued report (the seed takes a while to build) read for its sentences, its tables,
    its charts as text and its page numbers."""
    report = services.report_owe(bureau=seeded, kind=ReportKind.PROGRESS, due_on=DUE)
    assert (report.period_starts_on, report.as_of) == (PERIOD_START, MONTH_END)
    report = services.report_issue(report=report, today=DUE)
    document = report.document
    assert document.kind == IssuedDocument.Kind.PROGRESS_REPORT
    data = document.file.read()
    text = squeeze(pdftotext(data, tmp_path))
    assert (
        "辖区内校外培训机构115所,其中经教育主管部门审批的校外教育培训机构共有7所,"
        "工商部门注册登记、面向中小学生进行学科培训的10所。"
    ) in text
    assert (
        "截止到2026年10月底,通过整改基本达到办学条件45所,已颁发办学许可证4所,"
        "取缔或自行停办45所,暂时停办整改18所,公布校外培训机构白名单10所。"
    ) in text
    assert document.number in text and "西湖区教育局" in text
    # The tables follow the paragraph: the same figures, by name.
    assert "表1主要数据(截止到2026年10月底)" in text
    assert "暂时停办整改" in text and "学科类" in text
    # The status chart: its title, its bars' labels in a row, and their figures.
    assert "机构办学状态" in text and "正常办学停办整改取缔或停办白名单" in text
    assert "分类机构数" in text and "学科类" in text
    # The trend: 12 months up to the figures' month end (November 2025 – October 2026).
    assert "近12个月趋势" in text and "2025年11月" in text and "2026年1月" in text
    assert "举报" in text
    # The pages number as before: "第 n 页 共 N 页" on each, N the document's page count.
    assert len(PdfReader(io.BytesIO(data)).pages) == document.pages
    pages = _page_texts(data, tmp_path, document.pages)
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页共{document.pages}页" in page
    assert document.pages <= 3


def test_the_report_documents_queries_are_pinned(seeded, django_assert_num_queries):
    """What a report is (figures as of its month end, its text, its tables and charts) costs
    a fixed number of queries whatever the size of the district: the registry's history in
    one statement, the district's wording, the 12-month trend (four grouped queries), the
    bureau's parent for the addressee."""
    report = services.report_owe(bureau=seeded, kind=ReportKind.PROGRESS, due_on=DUE)
    report = type(report).objects.select_related("bureau").get(pk=report.pk)
    with django_assert_num_queries(7) as captured:
        arguments = content.report_document(report=report)
    assert len(arguments["context"]["charts"]) == 3
    assert any("institutions_statuschange" in q["sql"] for q in captured.captured_queries)
