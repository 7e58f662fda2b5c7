from django.urls import path

from . import views

app_name = "registrants"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
