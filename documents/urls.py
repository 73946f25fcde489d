from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document-list"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("<int:pk>/pdf/", views.DocumentPdfView.as_view(), name="document-pdf"),
    path("jobs/<int:pk>/", views.DocumentJobDetailView.as_view(), name="documentjob-detail"),
    path("seal/", views.SealView.as_view(), name="seal"),
]
