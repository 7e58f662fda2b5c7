from django.urls import path

from . import views

app_name = "coordinators"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("cases/<int:job_id>/", views.candidates, name="candidates"),
    path("cases/<int:job_id>/propose/", views.propose, name="propose"),
    path(
        "cases/<int:job_id>/shortlist/<int:registrant_id>/",
        views.shortlist,
        name="shortlist",
    ),
    path("registrants/<int:registrant_id>/contacts/", views.contact_log, name="contact_log"),
]
