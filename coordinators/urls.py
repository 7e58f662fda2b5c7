from django.urls import path

from . import views

app_name = "coordinators"
urlpatterns = [
    path("", views.workspace, name="workspace"),
]
