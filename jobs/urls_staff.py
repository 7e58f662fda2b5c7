"""The agency's side: job cases, pipeline, screening, clients."""

from django.urls import path

from .views import staff

urlpatterns = [
    path("staff/cases/", staff.staff_cases, name="staff_cases"),
]
