from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("notices/", views.NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("escrow-warnings/", views.EscrowWarningListView.as_view(), name="escrow-warning-list"),
    path("courses/", views.CourseListView.as_view(), name="course-list"),
    path("courses/new/", views.CourseFileView.as_view(), name="course-create"),
    path("courses/import/", views.TimetableImportView.as_view(), name="timetable-import"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<int:pk>/resubmit/", views.CourseResubmitView.as_view(), name="course-resubmit"),
]
