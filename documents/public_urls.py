from django.urls import path

from documents import public_views

app_name = "public_documents"

urlpatterns = [
    path("documents/verify/", public_views.verify_upload, name="verify-upload"),
    path("documents/verify/<str:token>/", public_views.verify, name="verify"),
    path("documents/verify/<str:token>/pdf/", public_views.public_pdf, name="pdf"),
]
