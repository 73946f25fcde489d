from rest_framework.routers import DefaultRouter

from complaints.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("hotline-work-orders", views.HotlineWorkOrderViewSet, basename="hotline-work-order")

router.register("supervision-orders", views.SupervisionOrderViewSet, basename="supervision-order")
router.register("rewards", views.RewardViewSet, basename="reward")
router.register("refund-disputes", views.RefundDisputeViewSet, basename="refund-dispute")

urlpatterns = router.urls
