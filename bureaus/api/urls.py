from rest_framework.routers import DefaultRouter

from bureaus.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("bureaus", views.BureauViewSet, basename="bureau")
router.register("streets", views.StreetViewSet, basename="street")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("audit-events", views.AuditEventViewSet, basename="auditevent")

urlpatterns = router.urls
