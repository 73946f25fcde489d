from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.CourseListView.as_view(), name="course-list"),
    path("export.xlsx", views.CourseExportView.as_view(), name="course-export"),
    path(
        "institutions/<int:pk>/import/",
        views.TimetableImportView.as_view(),
        name="timetable-import",
    ),
    path("<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("<int:pk>/accept/", views.CourseAcceptView.as_view(), name="course-accept"),
    path("<int:pk>/return/", views.CourseReturnView.as_view(), name="course-return"),
]
