from rest_framework.routers import DefaultRouter

from documents.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("documents", views.IssuedDocumentViewSet, basename="document")

urlpatterns = router.urls
