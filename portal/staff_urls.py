from django.urls import path

from portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("", staff_views.InvitationListView.as_view(), name="invitation-list"),
    path("new/", staff_views.InvitationCreateView.as_view(), name="invitation-create"),
    path("<int:pk>/", staff_views.InvitationDetailView.as_view(), name="invitation-detail"),
    path("<int:pk>/revoke/", staff_views.InvitationRevokeView.as_view(), name="invitation-revoke"),
]
