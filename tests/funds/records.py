"""Makers for the isolation test: one record of each escrow model served by a route, showing
the marker on its list page and in its API payload."""

import datetime as dt

from funds.models import (
    EscrowAccount,
    FeeRecord,
    FundSettings,
    FundWarning,
    LedgerEntry,
    StatementImport,
)
from institutions.models import Institution
from tests.records import maker

DAY = dt.date(2026, 3, 2)


def _account(bureau, name):
    institution = Institution.objects.create(bureau=bureau, name=name, category="academic")
    return EscrowAccount.objects.create(
        institution=institution,
        bank="农业银行",
        account_number="6228480012345678",
        agreed_on=DAY,
        balance_fen=1000,
    )


@maker(EscrowAccount)
def _escrow_account(bureau, marker):
    return _account(bureau, marker)


@maker(LedgerEntry)
def _ledger_entry(bureau, marker):
    account = _account(bureau, f"{marker}机构")
    return LedgerEntry.objects.create(
        account=account,
        kind=LedgerEntry.Kind.DEPOSIT,
        amount_fen=1000,
        balance_after_fen=1000,
        booked_on=DAY,
        note=marker,
    )


@maker(FeeRecord)
def _fee_record(bureau, marker):
    institution = Institution.objects.create(bureau=bureau, name=f"{marker}机构", category="arts")
    return FeeRecord.objects.create(
        institution=institution,
        student_name="赵一鸣",
        course_name="书法",
        contract_number=marker,
        amount_fen=200_000,
        collected_on=DAY,
        period_start=DAY,
        period_end=DAY + dt.timedelta(days=60),
        class_hours=20,
    )


@maker(FundWarning)
def _fund_warning(bureau, marker):
    account = _account(bureau, f"{marker}机构")
    return FundWarning.objects.create(
        account=account,
        kind=FundWarning.Kind.BELOW_MINIMUM,
        level=FundWarning.Level.RED,
        key="below_minimum",
        detail=marker,
    )


@maker(StatementImport)
def _statement_import(bureau, marker):
    return StatementImport.objects.create(
        bureau=bureau, original_name=marker, state=StatementImport.State.DONE, lines=1, inserted=1
    )


@maker(FundSettings)
def _fund_settings(bureau, marker):
    return FundSettings.objects.create(
        bureau=bureau, red_threshold_fen=100_000, yellow_threshold_fen=300_000, basis=marker
    )
