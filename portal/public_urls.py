from django.urls import path

from portal import public_views

app_name = "portal_public"

urlpatterns = [
    path(
        "portal/invitations/<str:token>/",
        public_views.invitation_accept,
        name="invitation-accept",
    ),
]
