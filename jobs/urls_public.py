"""Pages anyone (and registrants) use: job search, the job page, and applying."""

from django.urls import path

from .views import public

urlpatterns = [
    path("", public.search, name="search"),
    path("<int:job_id>/", public.detail, name="detail"),
    path("<int:job_id>/apply/", public.apply, name="apply"),
]
