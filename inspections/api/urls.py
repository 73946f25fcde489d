from rest_framework.routers import DefaultRouter

from inspections.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("campaign-shares", views.CampaignShareViewSet, basename="campaign-share")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register(
    "rectification-notices", views.RectificationNoticeViewSet, basename="rectification-notice"
)
router.register("draws", views.DrawViewSet, basename="draw")

urlpatterns = router.urls
