from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
]
