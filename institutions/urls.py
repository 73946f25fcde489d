from django.urls import path

from institutions import document_views, views

app_name = "institutions"

urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="institution-list"),
    path("new/", views.InstitutionCreateView.as_view(), name="institution-create"),
    path("<int:pk>/", views.InstitutionDetailView.as_view(), name="institution-detail"),
    path("<int:pk>/edit/", views.InstitutionUpdateView.as_view(), name="institution-update"),
    path("<int:pk>/status/", views.StatusChangeView.as_view(), name="institution-status"),
    path("<int:pk>/lists/new/", views.ListEntryCreateView.as_view(), name="listentry-create"),
    path(
        "<int:pk>/credentials/new/",
        views.CredentialCreateView.as_view(),
        name="credential-create",
    ),
    path("<int:pk>/sites/new/", views.SiteCreateView.as_view(), name="site-create"),
    path("<int:pk>/staff/new/", views.StaffCreateView.as_view(), name="staff-create"),
    path("<int:pk>/reviews/new/", views.AnnualReviewCreateView.as_view(), name="review-create"),
    path("staff/<int:pk>/edit/", views.StaffUpdateView.as_view(), name="staff-update"),
    path("staff/<int:pk>/remove/", views.StaffRemoveView.as_view(), name="staff-remove"),
    path("sites/<int:pk>/edit/", views.SiteUpdateView.as_view(), name="site-update"),
    path("sites/<int:pk>/remove/", views.SiteRemoveView.as_view(), name="site-remove"),
    path("lists/", views.ListEntryListView.as_view(), name="listentry-list"),
    path(
        "lists/<int:pk>/publish/",
        views.ListEntryPublishView.as_view(),
        name="listentry-publish",
    ),
    path("lists/<int:pk>/lift/", views.ListEntryLiftView.as_view(), name="listentry-lift"),
    path("lists/pdf/", document_views.ListDocumentView.as_view(), name="list-document"),
    path(
        "<int:pk>/sheet/", document_views.InstitutionSheetView.as_view(), name="institution-sheet"
    ),
    path("imports/", views.ImportJobListView.as_view(), name="importjob-list"),
    path("imports/new/", views.ImportJobCreateView.as_view(), name="importjob-create"),
    path("imports/<int:pk>/", views.ImportJobDetailView.as_view(), name="importjob-detail"),
]
