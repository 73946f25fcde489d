from django.urls import path

from complaints import public_views

app_name = "public_complaints"

urlpatterns = [
    path("tip-offs/new/", public_views.complaint_submit, name="complaint-submit"),
    path("tip-offs/track/", public_views.complaint_track, name="complaint-track"),
    path(
        "tip-offs/institutions/",
        public_views.institution_search,
        name="institution-search",
    ),
]
