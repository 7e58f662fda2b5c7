"""The registrant's own pages, under /me/."""

from django.urls import path

from .views import applications, data, matches, profile, proposals

app_name = "registrants"
APPLICATION = "applications/<int:application_id>/"
PROPOSAL = "proposals/<int:application_id>/"
urlpatterns = [
    path("", matches.dashboard, name="dashboard"),
    path("jobs/", matches.matches, name="matches"),
    path("jobs/<int:job_id>/dismiss/", matches.dismiss, name="dismiss"),
    path("applications/", applications.applications, name="applications"),
    path(APPLICATION, applications.application, name="application"),
    path(APPLICATION + "withdraw/", applications.withdraw, name="withdraw"),
    path(APPLICATION + "visit/", applications.request_visit, name="request_visit"),
    path(APPLICATION + "accept-offer/", applications.accept_job_offer, name="accept_offer"),
    path(APPLICATION + "decline-offer/", applications.decline_job_offer, name="decline_offer"),
    path("proposals/", proposals.proposals, name="proposals"),
    path(PROPOSAL, proposals.proposal, name="proposal"),
    path(PROPOSAL + "accept/", proposals.accept_proposal, name="accept_proposal"),
    path(PROPOSAL + "decline/", proposals.decline_proposal, name="decline_proposal"),
    path("profile/", profile.profile, name="profile"),
    path("profile/duties/", profile.duty_search, name="duty_search"),
    path("profile/experience/", profile.add_experience, name="add_experience"),
    path("profile/experience/<int:duty_id>/", profile.update_experience, name="update_experience"),
    path(
        "profile/experience/<int:duty_id>/remove/",
        profile.remove_experience,
        name="remove_experience",
    ),
    path("profile/employment/", profile.add_employment, name="add_employment"),
    path(
        "profile/employment/<int:employment_id>/remove/",
        profile.remove_employment,
        name="remove_employment",
    ),
    path("profile/<slug:section>/", profile.profile_section, name="profile_section"),
    path("data/", data.my_data, name="my_data"),
    path("data/export.json", data.export_data, name="export_data"),
    path("data/delete/", data.request_deletion, name="request_deletion"),
]
