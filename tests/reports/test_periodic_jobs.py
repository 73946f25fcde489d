"""The scheduled job: every due report once (run twice, or by two beats at once), reports
missed while the worker was down generated when it returns and marked late, the district and
its superior told once."""

import datetime as dt

import pytest

from core.models import Notification
from documents.models import IssuedDocument
from reports import tasks
from reports.models import PeriodicReport, ReportKind, ReportSchedule
from reports.periodic import services
from tests.concurrency import run_concurrently

THE_13TH = dt.date(2026, 11, 13)


def run(day: dt.date) -> dict:
    # The Celery task itself (run in this process): platform scope, system actor.
    return tasks.reports_generate_due.apply(args=[day.isoformat()]).get()


def progress_reports():
    return PeriodicReport.objects.filter(kind=ReportKind.PROGRESS, campaign_id__isnull=True)


@pytest.mark.django_db
def test_run_twice_on_the_13th_issues_each_due_report_once(tree):
    first = run(THE_13TH)
    # Each district owes the 13th, and the 27th and 13th of the month before still within
    # the look-back (a first run catches up).
    due = {(r.bureau_id, r.due_on) for r in progress_reports()}
    assert due == {
        (b.pk, d)
        for b in (tree.a, tree.b)
        for d in (dt.date(2026, 10, 13), dt.date(2026, 10, 27), THE_13TH)
    }
    assert first["issued"] == 6 and first["failed"] == 0
    documents = set(IssuedDocument.objects.values_list("pk", flat=True))
    notes = Notification.objects.count()
    second = run(THE_13TH)
    assert second["issued"] == 0
    assert set(IssuedDocument.objects.values_list("pk", flat=True)) == documents
    assert progress_reports().count() == 6
    assert Notification.objects.count() == notes
    # Each report is one numbered progress report of its own district.
    report = progress_reports().get(bureau=tree.a, due_on=THE_13TH)
    assert report.status == PeriodicReport.Status.ISSUED and not report.late
    assert report.document.bureau_id == tree.a.pk
    assert report.document.kind == IssuedDocument.Kind.PROGRESS_REPORT
    assert report.as_of == dt.date(2026, 10, 31)
    # The district's officer and the city's supervisor are told, once per report.
    officer = tree.user("a", "officer")
    supervisor = tree.user("city", "supervisor")
    assert Notification.objects.filter(user=officer).count() == 3
    assert Notification.objects.filter(user=supervisor).count() == 6
    assert not Notification.objects.filter(user=tree.user("b", "officer"), bureau_id=tree.a.pk)


@pytest.mark.django_db
def test_a_report_missed_while_the_worker_was_down_is_generated_when_it_returns(tree):
    run(THE_13TH)
    # The worker is down from the 14th to the 28th: nothing runs on the 27th.
    returned = run(dt.date(2026, 11, 29))
    assert returned["issued"] == 2
    missed = progress_reports().filter(due_on=dt.date(2026, 11, 27))
    assert missed.count() == 2
    assert all(r.status == PeriodicReport.Status.ISSUED and r.late for r in missed)
    assert not progress_reports().get(bureau=tree.a, due_on=THE_13TH).late


@pytest.mark.django_db
def test_a_district_sets_its_own_days(tree, as_system):
    ReportSchedule.objects.create(bureau=tree.a, days=[5])
    services.reports_owed(today=dt.date(2026, 11, 6))
    assert set(progress_reports().filter(bureau=tree.a).values_list("due_on", flat=True)) == {
        dt.date(2026, 11, 5)
    }
    assert set(progress_reports().filter(bureau=tree.b).values_list("due_on", flat=True)) == {
        dt.date(2026, 10, 13),
        dt.date(2026, 10, 27),
    }


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_issue_each_report_once(tree):
    with_days = [ReportSchedule(bureau=b, days=[13]) for b in (tree.a, tree.b)]
    for schedule in with_days:
        schedule.save()
    results = run_concurrently(lambda _: run(THE_13TH), 2)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["issued"] for r in results) >= 4
    assert progress_reports().count() == 4
    assert IssuedDocument.objects.count() == 4
    numbers = IssuedDocument.objects.filter(bureau=tree.a).values_list("serial", flat=True)
    assert sorted(numbers) == [1, 2]
