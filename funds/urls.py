from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("", views.AccountListView.as_view(), name="account-list"),
    path("accounts/new/", views.AccountCreateView.as_view(), name="account-create"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<int:pk>/edit/", views.AccountUpdateView.as_view(), name="account-update"),
    path("accounts/<int:pk>/ledger.xlsx", views.LedgerExportView.as_view(), name="ledger-export"),
    path("fees/", views.FeeRecordListView.as_view(), name="feerecord-list"),
    path("fees/export.csv", views.FeeRecordExportView.as_view(), name="feerecord-export"),
    path("fees/new/", views.FeeRecordCreateView.as_view(), name="feerecord-create"),
    path("fees/<int:pk>/", views.FeeRecordDetailView.as_view(), name="feerecord-detail"),
    path("fees/<int:pk>/edit/", views.FeeRecordUpdateView.as_view(), name="feerecord-update"),
    path("settings/", views.FundSettingsView.as_view(), name="settings"),
    path("imports/", views.StatementImportListView.as_view(), name="statementimport-list"),
    path(
        "imports/<int:pk>/",
        views.StatementImportDetailView.as_view(),
        name="statementimport-detail",
    ),
    path("warnings/", views.WarningListView.as_view(), name="warning-list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning-detail"),
    path(
        "warnings/<int:pk>/acknowledge/",
        views.WarningAcknowledgeView.as_view(),
        name="warning-acknowledge",
    ),
    path("warnings/<int:pk>/resolve/", views.WarningResolveView.as_view(), name="warning-resolve"),
    path(
        "warnings/<int:pk>/propose-suspension/",
        views.WarningProposeSuspensionView.as_view(),
        name="warning-propose-suspension",
    ),
    path(
        "warnings/<int:pk>/confirm-suspension/",
        views.WarningConfirmSuspensionView.as_view(),
        name="warning-confirm-suspension",
    ),
    path(
        "warnings/<int:pk>/decline-suspension/",
        views.WarningDeclineSuspensionView.as_view(),
        name="warning-decline-suspension",
    ),
]
