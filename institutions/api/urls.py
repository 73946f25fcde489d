from rest_framework.routers import DefaultRouter

from institutions.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("institutions", views.InstitutionViewSet, basename="institution")

urlpatterns = router.urls
