from django.urls import path

from reports.views import dashboard

# The dashboards and roll-ups (reports.views.dashboard); each with its Excel export.
urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("export.xlsx", dashboard.DashboardExportView.as_view(), name="dashboard-export"),
    path("bureaus/<int:pk>/", dashboard.BureauDrillDownView.as_view(), name="bureau-rollup"),
    path(
        "bureaus/<int:pk>/export.xlsx",
        dashboard.BureauExportView.as_view(),
        name="bureau-export",
    ),
]
