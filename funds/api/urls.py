from rest_framework.routers import DefaultRouter

from funds.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("escrow-accounts", views.EscrowAccountViewSet, basename="escrow-account")
router.register("ledger-entries", views.LedgerEntryViewSet, basename="ledger-entry")
router.register("fee-records", views.FeeRecordViewSet, basename="fee-record")
router.register("statement-imports", views.StatementImportViewSet, basename="statement-import")
router.register("fund-warnings", views.FundWarningViewSet, basename="fund-warning")

urlpatterns = router.urls
