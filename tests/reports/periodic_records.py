"""The periodic reports' records: makers for the isolation test, and a district whose registry
history matches seed 001 篇1, built through the registry's services (not SQL)."""

import datetime as dt
import itertools

from institutions.credit_code import make_code
from institutions.models import Credential, Institution, ListEntry
from institutions.services import credentials, lifecycle, lists, registry
from reports.models import PeriodicReport, ReportKind, ReportSchedule, ReportTemplate
from tests.documents import records as document_records
from tests.records import maker

S = Institution.Status
K = Credential.Kind

# Seed 001 篇1: the period covered starts on 1 September; the report due on 13 November reads
# the figures as they stood at the end of October (截止到10月底).
PERIOD_START = dt.date(2026, 9, 1)
DUE = dt.date(2026, 11, 13)
MONTH_END = dt.date(2026, 10, 31)
AFTER_MONTH_END = dt.date(2026, 11, 20)


@maker(PeriodicReport)
def _periodic_report(bureau, marker):
    # Read at call time: tests.documents.records may still be importing (it imports
    # tests.records, which imports this module).
    document = document_records.issue(bureau, marker, key=f"periodic:{marker}")
    return PeriodicReport.objects.create(
        bureau=bureau,
        kind=ReportKind.PROGRESS,
        key=f"progress:{marker}",
        campaign_name=marker,
        due_on=DUE,
        period_starts_on=PERIOD_START,
        as_of=MONTH_END,
        status=PeriodicReport.Status.ISSUED,
        document=document,
        issued_at=document.issued_at,
    )


@maker(ReportTemplate)
def _report_template(bureau, marker):
    return ReportTemplate.objects.create(bureau=bureau, kind=ReportKind.PROGRESS, text=marker)


@maker(ReportSchedule)
def _report_schedule(bureau, marker):
    return ReportSchedule.objects.create(bureau=bureau, days=[5, 20])


_serial = itertools.count(1)


def _register(bureau, name, category="arts", **fields):
    code = make_code(division=bureau.code, organization_body=f"MA3{next(_serial):05d}")
    return registry.institution_register(
        actor=None, bureau=bureau, name=name, category=category, credit_code=code, **fields
    )


def _licences(institution, *, licence_on=None, business_on=None):
    credentials.credential_record(
        actor=None,
        institution=institution,
        kind=K.BUSINESS_LICENCE,
        number=f"B{institution.pk}",
        issued_on=business_on,
    )
    credentials.credential_record(
        actor=None,
        institution=institution,
        kind=K.SCHOOL_LICENCE,
        number=f"L{institution.pk}",
        issued_on=licence_on,
    )


def _status(institution, to_status, on):
    lifecycle.institution_change_status(
        actor=None, institution=institution, to_status=to_status, reason="专项治理", decided_on=on
    )
    institution.refresh_from_db()


def _white(institution, on):
    entry = lists.list_entry_add(
        actor=None, institution=institution, kind=ListEntry.Kind.WHITE, decided_on=on
    )
    lists.list_entry_publish(actor=None, entry=entry, published_on=on)


def build_seed_001(bureau) -> dict:
    """A district whose history gives, at the end of October 2026, seed 001 篇1's figures:
    115 institutions, 7 licensed before the period, 10 academic with a business licence only;
    45 brought up to standard by rectification, 4 licences issued in the period, 45 banned or
    closed, 18 suspended, 10 on the published white list. Then, in November, changes that
    today's state shows but the end of October must not: 5 of the suspended banned, 2 of the
    white-listed suspended, one institution registered."""
    ReportSchedule.objects.create(bureau=bureau, period_starts_on=PERIOD_START)
    made = {}
    n = iter(range(1, 1000))
    # 7 licensed before the period, operating, on the white list.
    made["licensed"] = []
    for _i in range(7):
        inst = _register(bureau, f"审批机构{next(n)}")
        _licences(inst, licence_on=dt.date(2025, 6, 1), business_on=dt.date(2025, 5, 1))
        _status(inst, S.NORMAL, dt.date(2025, 6, 10))
        _white(inst, dt.date(2025, 7, 1))
        made["licensed"].append(inst)
    # 41 suspended in September and operating again in October (rectified).
    # 4 the same, whose licence was issued anew in the period; 3 of them white-listed.
    # 18 suspended in September, still suspended at the end of October.
    for group, size in (("rectified", 41), ("relicensed", 4), ("suspended", 18)):
        made[group] = []
        for _i in range(size):
            inst = _register(bureau, f"整改机构{next(n)}")
            _licences(inst)
            _status(inst, S.NORMAL, dt.date(2025, 3, 1))
            _status(inst, S.SUSPENDED, dt.date(2026, 9, 10))
            if group == "relicensed":
                credentials.credential_record(
                    actor=None,
                    institution=inst,
                    kind=K.SCHOOL_LICENCE,
                    number=f"N{inst.pk}",
                    issued_on=dt.date(2026, 9, 20),
                )
            if group != "suspended":
                _status(inst, S.NORMAL, dt.date(2026, 10, 15))
            made[group].append(inst)
    for inst in made["relicensed"][:3]:
        _white(inst, dt.date(2026, 10, 25))
    # 10 academic institutions with a business licence only, banned in October.
    made["academic"] = []
    for _i in range(10):
        inst = _register(bureau, f"学科机构{next(n)}", category="academic", profit="non_profit")
        credentials.credential_record(
            actor=None,
            institution=inst,
            kind=K.BUSINESS_LICENCE,
            number=f"B{inst.pk}",
            issued_on=dt.date(2024, 1, 1),
        )
        _status(inst, S.BANNED, dt.date(2026, 10, 20))
        made["academic"].append(inst)
    # 20 unlicensed banned and 15 closed of their own accord in October.
    for _i in range(20):
        _status(_register(bureau, f"无证机构{next(n)}"), S.BANNED, dt.date(2026, 10, 20))
    for _i in range(15):
        _status(_register(bureau, f"停办机构{next(n)}"), S.CLOSED, dt.date(2026, 10, 5))
    # November: what the end of October must not show.
    for inst in made["suspended"][:5]:
        _status(inst, S.BANNED, AFTER_MONTH_END)
    for inst in made["licensed"][:2]:
        _status(inst, S.SUSPENDED, AFTER_MONTH_END)
    _register(bureau, "新登记机构")
    return made
