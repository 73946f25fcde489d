"""Staff pages: accounts with coverage figures, an account's ledger (running balance, filters),
fee records and violations, the warnings inbox and a warning's steps. Account numbers and
students are shown masked, to the district and to its superiors alike."""

from funds.views.accounts import (
    AccountDetailView,
    AccountListView,
    LedgerExportView,
)
from funds.views.editing import (
    AccountCreateView,
    AccountUpdateView,
    FeeRecordCreateView,
    FeeRecordUpdateView,
    FundSettingsView,
)
from funds.views.fees import (
    FeeRecordDetailView,
    FeeRecordExportView,
    FeeRecordListView,
)
from funds.views.imports import (
    StatementImportDetailView,
    StatementImportListView,
)
from funds.views.warnings import (
    WarningAcknowledgeView,
    WarningConfirmSuspensionView,
    WarningDeclineSuspensionView,
    WarningDetailView,
    WarningListView,
    WarningProposeSuspensionView,
    WarningResolveView,
)

__all__ = [
    "AccountCreateView",
    "AccountDetailView",
    "AccountListView",
    "AccountUpdateView",
    "FeeRecordCreateView",
    "FeeRecordDetailView",
    "FeeRecordExportView",
    "FeeRecordListView",
    "FeeRecordUpdateView",
    "FundSettingsView",
    "LedgerExportView",
    "StatementImportDetailView",
    "StatementImportListView",
    "WarningAcknowledgeView",
    "WarningConfirmSuspensionView",
    "WarningDeclineSuspensionView",
    "WarningDetailView",
    "WarningListView",
    "WarningProposeSuspensionView",
    "WarningResolveView",
]
