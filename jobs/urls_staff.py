"""The agency's side: job cases, pipeline, screening, clients."""

from django.urls import path

from .views import staff, staff_clients, staff_pipeline

urlpatterns = [
    path("staff/cases/", staff.staff_cases, name="staff_cases"),
    path("staff/cases/new/", staff.case_create, name="case_create"),
    path("staff/cases/check/", staff.case_check, name="case_check"),
    path("staff/cases/<int:job_id>/", staff.case_detail, name="case_detail"),
    path("staff/cases/<int:job_id>/edit/", staff.case_edit, name="case_edit"),
    path("staff/cases/<int:job_id>/justify/", staff.case_justify, name="case_justify"),
    path("staff/cases/<int:job_id>/status/", staff.case_status, name="case_status"),
    path("staff/cases/<int:job_id>/pipeline/", staff_pipeline.pipeline, name="pipeline"),
    path("staff/pipeline/", staff_pipeline.pipeline_mine, name="pipeline_mine"),
    path(
        "staff/applications/<int:application_id>/",
        staff_pipeline.application_detail,
        name="application_detail",
    ),
    path(
        "staff/applications/<int:application_id>/move/",
        staff_pipeline.application_move,
        name="application_move",
    ),
    path(
        "staff/applications/<int:application_id>/skill-sheet/",
        staff_pipeline.skill_sheet,
        name="skill_sheet",
    ),
    path("staff/conflict-dates/", staff.conflict_dates, name="conflict_dates"),
    path("staff/clients/", staff_clients.client_list, name="client_list"),
    path("staff/clients/new/", staff_clients.client_create, name="client_create"),
    path("staff/clients/<int:client_id>/", staff_clients.client_detail, name="client_detail"),
    path(
        "staff/clients/<int:client_id>/<str:part>/add/",
        staff_clients.client_add,
        name="client_add",
    ),
    path(
        "staff/clients/<int:client_id>/handover/",
        staff_clients.handover,
        name="client_handover",
    ),
    path(
        "staff/establishments/<int:establishment_id>/edit/",
        staff_clients.establishment_edit,
        name="establishment_edit",
    ),
]
