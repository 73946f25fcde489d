from rest_framework.routers import DefaultRouter

from courses.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("courses", views.CourseViewSet, basename="course")
router.register("timetable-sessions", views.SessionViewSet, basename="timetable-session")

urlpatterns = router.urls
