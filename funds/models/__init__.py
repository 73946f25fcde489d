"""Prepaid-fee escrow (预收费资金监管): supervised accounts, their append-only ledger in fen,
fee records checked against the fee cap, lessons consumed and refund requests (一课一消), and
the warnings a periodic job raises."""

from funds.models.accounts import (
    DEEMED_CONFIRMED_DAYS,
    DEEMED_REFUND_DAYS,
    FEE_CAP_FEN,
    FEE_CAP_HOURS,
    FEE_CAP_MONTHS,
    FEE_CAP_RULE,
    EscrowAccount,
    FeeRecord,
    add_months,
)
from funds.models.imports import StatementImport
from funds.models.ledger import LedgerEntry, Lesson, RefundRequest
from funds.models.warnings import FundSettings, FundWarning

__all__ = [
    "DEEMED_CONFIRMED_DAYS",
    "DEEMED_REFUND_DAYS",
    "FEE_CAP_FEN",
    "FEE_CAP_HOURS",
    "FEE_CAP_MONTHS",
    "FEE_CAP_RULE",
    "EscrowAccount",
    "FeeRecord",
    "FundSettings",
    "FundWarning",
    "LedgerEntry",
    "Lesson",
    "RefundRequest",
    "StatementImport",
    "add_months",
]
