from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:job_id>/", views.detail, name="detail"),
    path("staff/cases/", views.staff_cases, name="staff_cases"),
]
