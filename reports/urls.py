from django.urls import include, path

app_name = "reports"

# Two parts, each with its own URL module: the dashboards and roll-ups, and the periodic
# (stamped PDF) reports.
urlpatterns = [
    path("", include("reports.dashboard_urls")),
    path("periodic/", include("reports.periodic_urls")),
]
