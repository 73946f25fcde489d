from django.urls import path

from institutions import public_views

app_name = "public_institutions"

urlpatterns = [
    path("institutions/", public_views.search, name="search"),
    path("institutions/<int:pk>/", public_views.detail, name="detail"),
    path("lists/", public_views.list_index, name="list-index"),
    path("lists/<str:code>/", public_views.district_lists, name="district-lists"),
]
