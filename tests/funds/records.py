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


def escrow_account(institution):
    """An account of `institution` agreed on DAY, holding 10 yuan (as recorded, not opened
    through the service)."""
    return EscrowAccount.objects.create(
        institution=institution,
        bank="农业银行",
        account_number="6228480012345678",
        agreed_on=DAY,
        balance_fen=1000,
    )


def fund_warning(institution, detail):
    """A red below-minimum warning saying `detail`, on a new account of `institution`."""
    return FundWarning.objects.create(
        account=escrow_account(institution),
        kind=FundWarning.Kind.BELOW_MINIMUM,
        level=FundWarning.Level.RED,
        key="below_minimum",
        detail=detail,
    )


def fee_record(institution, contract_number, **extra):
    """A fee of 2,000 yuan for 20 hours of calligraphy, collected on DAY."""
    return FeeRecord.objects.create(
        institution=institution,
        student_name="赵一鸣",
        course_name="书法",
        contract_number=contract_number,
        amount_fen=200_000,
        collected_on=DAY,
        period_start=DAY,
        period_end=DAY + dt.timedelta(days=60),
        class_hours=20,
        **extra,
    )


def _institution(bureau, name, category="academic"):
    return Institution.objects.create(bureau=bureau, name=name, category=category)


@maker(EscrowAccount)
def _escrow_account(bureau, marker):
    return escrow_account(_institution(bureau, marker))


@maker(LedgerEntry)
def _ledger_entry(bureau, marker):
    return LedgerEntry.objects.create(
        account=escrow_account(_institution(bureau, f"{marker}机构")),
        kind=LedgerEntry.Kind.DEPOSIT,
        amount_fen=1000,
        balance_after_fen=1000,
        booked_on=DAY,
        note=marker,
    )


@maker(FeeRecord)
def _fee_record(bureau, marker):
    return fee_record(_institution(bureau, f"{marker}机构", category="arts"), marker)


@maker(FundWarning)
def _fund_warning(bureau, marker):
    return fund_warning(_institution(bureau, f"{marker}机构"), marker)


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
