from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("saved-filters/", views.SavedFilterSaveView.as_view(), name="savedfilter-save"),
    path(
        "saved-filters/<int:pk>/delete/",
        views.SavedFilterDeleteView.as_view(),
        name="savedfilter-delete",
    ),
]
