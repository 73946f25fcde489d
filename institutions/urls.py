from django.urls import path

from institutions.views import actions, imports, lists, official_documents, registry

app_name = "institutions"

urlpatterns = [
    path("", registry.InstitutionListView.as_view(), name="institution-list"),
    path("export/", registry.InstitutionExportView.as_view(), name="institution-export"),
    path(
        "autocomplete/",
        registry.InstitutionAutocompleteView.as_view(),
        name="institution-autocomplete",
    ),
    path("new/", registry.InstitutionCreateView.as_view(), name="institution-create"),
    path("<int:pk>/", registry.InstitutionDetailView.as_view(), name="institution-detail"),
    path("<int:pk>/edit/", registry.InstitutionUpdateView.as_view(), name="institution-update"),
    path("<int:pk>/status/", actions.StatusChangeView.as_view(), name="institution-status"),
    path("<int:pk>/lists/new/", actions.ListEntryCreateView.as_view(), name="listentry-create"),
    path(
        "<int:pk>/credentials/new/",
        actions.CredentialCreateView.as_view(),
        name="credential-create",
    ),
    path("<int:pk>/sites/new/", actions.SiteCreateView.as_view(), name="site-create"),
    path("<int:pk>/staff/new/", actions.StaffCreateView.as_view(), name="staff-create"),
    path("<int:pk>/reviews/new/", actions.AnnualReviewCreateView.as_view(), name="review-create"),
    path("staff/<int:pk>/edit/", actions.StaffUpdateView.as_view(), name="staff-update"),
    path("staff/<int:pk>/remove/", actions.StaffRemoveView.as_view(), name="staff-remove"),
    path("sites/<int:pk>/edit/", actions.SiteUpdateView.as_view(), name="site-update"),
    path("sites/<int:pk>/remove/", actions.SiteRemoveView.as_view(), name="site-remove"),
    path("lists/", lists.ListEntryListView.as_view(), name="listentry-list"),
    path(
        "lists/<int:pk>/publish/",
        lists.ListEntryPublishView.as_view(),
        name="listentry-publish",
    ),
    path("lists/<int:pk>/lift/", lists.ListEntryLiftView.as_view(), name="listentry-lift"),
    path("lists/pdf/", official_documents.ListDocumentView.as_view(), name="list-document"),
    path(
        "<int:pk>/sheet/",
        official_documents.InstitutionSheetView.as_view(),
        name="institution-sheet",
    ),
    path("imports/", imports.ImportJobListView.as_view(), name="importjob-list"),
    path("imports/template/", imports.ImportTemplateView.as_view(), name="importjob-template"),
    path("imports/new/", imports.ImportJobCreateView.as_view(), name="importjob-create"),
    path("imports/<int:pk>/", imports.ImportJobDetailView.as_view(), name="importjob-detail"),
    path("imports/<int:pk>/errors/", imports.ImportErrorsView.as_view(), name="importjob-errors"),
]
