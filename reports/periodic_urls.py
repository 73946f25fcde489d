from django.urls import path

from reports.periodic import views

urlpatterns = [
    path("", views.PeriodicReportListView.as_view(), name="periodic-report-list"),
    path("<int:pk>/pdf/", views.PeriodicReportPdfView.as_view(), name="periodic-report-pdf"),
    path("missing/", views.PeriodicReportMissingView.as_view(), name="periodic-report-missing"),
    path("new/", views.PeriodicReportRequestView.as_view(), name="periodic-report-request"),
    path("templates/", views.ReportTemplateView.as_view(), name="report-template"),
    path("schedule/", views.ReportScheduleView.as_view(), name="report-schedule"),
]
