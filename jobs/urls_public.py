"""Pages anyone (and registrants) use: job search and the job page."""

from django.urls import path

from .views import public

urlpatterns = [
    path("", public.search, name="search"),
    path("<int:job_id>/", public.detail, name="detail"),
]
