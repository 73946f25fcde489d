from django.urls import path

from inspections import public_views

app_name = "public_inspections"

urlpatterns = [
    path("random-inspections/", public_views.draw_results, name="draw-results"),
]
