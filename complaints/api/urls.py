from rest_framework.routers import DefaultRouter

from complaints.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("hotline-work-orders", views.HotlineWorkOrderViewSet, basename="hotline-work-order")

urlpatterns = router.urls
