"""Writes of the periodic reports: owe a report, issue it (exactly once) through documents/,
generate every due report on schedule, request one on demand, and edit the text templates and
the reporting days.

Guarantees:
- A report is one row per (bureau, key), the key naming its kind and period (and campaign): the
  scheduled job run twice, or by two beats at once, owes it once; its document is issued under
  the idempotency key `periodic-report:<key>`, so it is issued once even if two workers race.
- A report owed while the worker was down is generated when the job next runs (the job looks
  back LOOKBACK_DAYS), and marked late.
- Issued reports are documents' IssuedDocuments: append-only, numbered, sealed and signed.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bureaus.models import Bureau
from bureaus.permissions import membership_may
from core.notifications import district_staff, notify_many
from documents import services as documents
from inspections import selectors as inspection_selectors
from reports.models import (
    PeriodicReport,
    ReportKind,
    ReportSchedule,
    ReportTemplate,
)
from reports.models.periodic import DEFAULT_REPORT_DAYS
from reports.periodic import content, texts

log = logging.getLogger(__name__)

# A report due in this many days before the job runs is still generated (a worker that was
# down for a while catches up); older ones are the districts' to request by hand.
LOOKBACK_DAYS = 31


# --- owing a report ---------------------------------------------------------------


@transaction.atomic
def report_owe(
    *, bureau, kind: str, due_on: dt.date, campaign: dict | None = None, on_demand=False
) -> PeriodicReport:
    """The report `bureau` owes: made once per key, returned as it is afterwards."""
    campaign_id = campaign["campaign_id"] if campaign else None
    key = content.report_key(kind=kind, due_on=due_on, campaign_id=campaign_id, on_demand=on_demand)
    existing = PeriodicReport.objects.filter(bureau=bureau, key=key).first()
    if existing is not None:
        return existing
    start, as_of = content.report_period(bureau=bureau, kind=kind, due_on=due_on, campaign=campaign)
    try:
        with transaction.atomic():
            return PeriodicReport.objects.create(
                bureau=bureau,
                kind=kind,
                key=key,
                campaign_id=campaign_id,
                campaign_name=campaign["campaign__name"] if campaign else "",
                due_on=due_on,
                period_starts_on=start,
                as_of=as_of,
                on_demand=on_demand,
            )
    except IntegrityError:  # a concurrent run owed it first
        return PeriodicReport.objects.get(bureau=bureau, key=key)


# --- issuing ----------------------------------------------------------------------------


def _notify(report: PeriodicReport) -> None:
    """Tell the district's staff and its superior's supervisors (once per report)."""
    link = reverse("reports:periodic-report-list")
    message = _("%(bureau)s: %(kind)s due %(due)s has been issued (%(number)s).") % {
        "bureau": report.bureau.name,
        "kind": report.get_kind_display(),
        "due": report.due_on.isoformat(),
        "number": report.document.number,
    }
    key = f"periodic-report:{report.pk}"
    notify_many(
        users=district_staff(report.bureau_id, action="periodicreport.generate"),
        bureau_id=report.bureau_id,
        message=message,
        link=link,
        key=key,
    )
    if report.bureau.parent_id:
        notify_many(
            users=district_staff(report.bureau.parent_id, action="periodicreport.view"),
            bureau_id=report.bureau.parent_id,
            message=message,
            link=link,
            key=key,
        )


def _mark_issued(report_id: int, document, *, today: dt.date) -> PeriodicReport:
    with transaction.atomic():
        report = PeriodicReport.objects.select_for_update().get(pk=report_id)
        if report.status != PeriodicReport.Status.ISSUED:
            report.document = document
            report.status = PeriodicReport.Status.ISSUED
            report.issued_at = document.issued_at
            # Generated after its date (the worker was down, or a district asked late): late.
            report.late = report.late or (today > report.due_on and not report.on_demand)
            report.save(update_fields=["document", "status", "issued_at", "late"])
    report = PeriodicReport.objects.select_related("bureau", "document").get(pk=report_id)
    _notify(report)
    return report


def report_issue(*, report: PeriodicReport, actor=None, today: dt.date | None = None):
    """Render and issue one owed report now (the scheduled job's way); once per report."""
    if report.status == PeriodicReport.Status.ISSUED:
        return report
    document = documents.document_issue(
        actor=actor, bureau=report.bureau, subject=report, **content.report_document(report=report)
    )
    return _mark_issued(report.pk, document, today=today or timezone.localdate())


def report_sync(*, report: PeriodicReport) -> PeriodicReport:
    """An on-demand report whose document job has finished is marked issued."""
    if report.status == PeriodicReport.Status.ISSUED or report.job_id is None:
        return report
    if report.job.document_id is None:
        return report
    return _mark_issued(report.pk, report.job.document, today=timezone.localdate())


def report_request(
    *, actor, kind: str, campaign_id: int | None = None, today: dt.date | None = None
) -> PeriodicReport:
    """Generate a report of the acting district now, in the background (documents' job: the
    page shows its progress). Twice the same day gives the same report."""
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, "periodicreport.generate"):
        raise ValidationError(_("You may not generate reports."))
    bureau = membership.bureau
    if not bureau.is_district:
        raise ValidationError(_("Only a district generates its reports."))
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [_("Choose a kind of report.")]})
    campaign = None
    if kind != ReportKind.PROGRESS or campaign_id:
        campaign = (
            inspection_selectors.share_campaign(bureau_id=bureau.pk, campaign_id=campaign_id)
            if campaign_id
            else None
        )
        if campaign is None:
            raise ValidationError({"campaign": [_("Choose one of the district's campaigns.")]})
    today = today or timezone.localdate()
    report = report_owe(bureau=bureau, kind=kind, due_on=today, campaign=campaign, on_demand=True)
    if report.job_id is None and report.status != PeriodicReport.Status.ISSUED:
        job = documents.document_request(
            actor=actor, bureau=bureau, subject=report, **content.report_document(report=report)
        )
        PeriodicReport.objects.filter(pk=report.pk, job__isnull=True).update(job=job)
        report.refresh_from_db()
    return report


# --- on schedule ------------------------------------------------------------------------


def _days_between(since: dt.date, until: dt.date, days) -> list[dt.date]:
    wanted = set(days)
    span = (until - since).days
    return [
        day for day in (since + dt.timedelta(days=n) for n in range(span + 1)) if day.day in wanted
    ]


def reports_owed(*, today: dt.date) -> list[PeriodicReport]:
    """Every report due between LOOKBACK_DAYS ago and today, owed (made once each): each
    district's progress reports on its reporting days (default the 13th and 27th), each
    campaign share's on the campaign's own days, and a campaign's final report on its last
    day."""
    since = today - dt.timedelta(days=LOOKBACK_DAYS)
    districts = {b.pk: b for b in Bureau.objects.filter(level=Bureau.Level.DISTRICT)}
    schedules = {s.bureau_id: s.days for s in ReportSchedule.objects.all()}
    owed = []
    for bureau_id, bureau in districts.items():
        for day in _days_between(since, today, schedules.get(bureau_id, DEFAULT_REPORT_DAYS)):
            owed.append(report_owe(bureau=bureau, kind=ReportKind.PROGRESS, due_on=day))
    for share in inspection_selectors.shares_reporting(since=since, until=today):
        bureau = districts.get(share["bureau_id"])
        if bureau is None:
            continue
        start = max(since, share["campaign__starts_on"])
        end = min(today, share["campaign__ends_on"])
        for day in _days_between(start, end, share["campaign__report_days"] or []):
            owed.append(
                report_owe(bureau=bureau, kind=ReportKind.PROGRESS, due_on=day, campaign=share)
            )
        if since <= share["campaign__ends_on"] <= today:
            owed.append(
                report_owe(
                    bureau=bureau,
                    kind=ReportKind.FINAL,
                    due_on=share["campaign__ends_on"],
                    campaign=share,
                )
            )
    return owed


def reports_generate_due(*, today: dt.date | None = None) -> dict:
    """The periodic job: owe every due report and issue those not yet issued; a report issued
    after its date is marked late. Safe to run any number of times, concurrently too."""
    today = today or timezone.localdate()
    owed = reports_owed(today=today)
    issued = failed = 0
    for report in owed:
        if report.status == PeriodicReport.Status.ISSUED:
            continue
        try:
            report_issue(report=report, today=today)
            issued += 1
        except Exception:
            failed += 1
            log.exception("periodic report %s failed", report.pk)
    # On-demand reports whose document job has finished since (the list shows them anyway).
    for report in PeriodicReport.objects.filter(
        status=PeriodicReport.Status.PENDING, job__document__isnull=False
    ).select_related("job__document"):
        report_sync(report=report)
    late = PeriodicReport.objects.filter(
        status=PeriodicReport.Status.PENDING, due_on__lt=today, late=False, on_demand=False
    ).update(late=True)
    return {"owed": len(owed), "issued": issued, "failed": failed, "late": late}


# --- settings of a district -------------------------------------------------------------


def _admin_bureau(actor, action: str):
    membership = getattr(actor, "membership", None)
    if not membership_may(membership, action) or not membership.bureau.is_district:
        raise ValidationError(_("Only the district's administrator changes this."))
    return membership.bureau


@transaction.atomic
def report_template_save(*, actor, kind: str, text: str) -> ReportTemplate:
    """Save the district's wording of a kind of report; a placeholder the report cannot fill
    is refused (a field error on `text`)."""
    bureau = _admin_bureau(actor, "reporttemplate.change")
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [_("Choose a kind of report.")]})
    text = (text or "").strip()
    texts.text_check(kind=kind, text=text)
    template = (
        ReportTemplate.objects.select_for_update().filter(bureau=bureau, kind=kind).first()
    ) or ReportTemplate(bureau=bureau, kind=kind)
    template.text = text
    template.save()
    return template


@transaction.atomic
def report_schedule_save(*, actor, days: list[int], period_starts_on=None) -> ReportSchedule:
    """Set the district's reporting days of the month (1–28) and the start of its period."""
    bureau = _admin_bureau(actor, "reportschedule.change")
    days = sorted(set(days))
    if not days or any(d < 1 or d > 28 for d in days):
        raise ValidationError({"days": [_("Give one or more days between 1 and 28.")]})
    schedule = (
        ReportSchedule.objects.select_for_update().filter(bureau=bureau).first()
    ) or ReportSchedule(bureau=bureau)
    schedule.days = days
    schedule.period_starts_on = period_starts_on
    schedule.save()
    return schedule
