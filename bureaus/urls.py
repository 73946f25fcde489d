from django.urls import path

from bureaus import staff_views, views

app_name = "bureaus"

urlpatterns = [
    path("switch/", views.bureau_switch, name="switch"),
    path("streets/", views.StreetListView.as_view(), name="street-list"),
    path("streets/new/", views.StreetCreateView.as_view(), name="street-create"),
    path("streets/<int:pk>/", views.StreetDetailView.as_view(), name="street-detail"),
    path("streets/<int:pk>/edit/", views.StreetUpdateView.as_view(), name="street-update"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department-create"),
    path("memberships/", views.MembershipListView.as_view(), name="membership-list"),
    path("memberships/new/", staff_views.MembershipCreateView.as_view(), name="membership-create"),
    path(
        "memberships/<int:pk>/edit/",
        staff_views.MembershipUpdateView.as_view(),
        name="membership-update",
    ),
    path("users/", staff_views.UserListView.as_view(), name="user-list"),
    path("users/new/", staff_views.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/edit/", staff_views.UserUpdateView.as_view(), name="user-update"),
    path("users/<int:pk>/security/", staff_views.UserSecurityView.as_view(), name="user-security"),
    path("audit/", views.AuditEventListView.as_view(), name="auditevent-list"),
    path("audit/<int:pk>/", views.AuditEventDetailView.as_view(), name="auditevent-detail"),
]
