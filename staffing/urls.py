from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import EmailAuthenticationForm

staffing_patterns = (
    [
        path("", views.home, name="home"),
        path("healthz", views.healthz, name="healthz"),
        path("accounts/signup/", views.signup, name="signup"),
        path(
            "accounts/login/",
            auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
            name="login",
        ),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("agency/settings/", views.agency_settings, name="agency_settings"),
        path("agency/staff/", views.staff_list, name="staff_list"),
        path("notifications/", views.notifications, name="notifications"),
        path(
            "notifications/<int:notification_id>/open/",
            views.notification_open,
            name="notification_open",
        ),
        path(
            "notifications/read-all/",
            views.notifications_read_all,
            name="notifications_read_all",
        ),
        path("messages/", views.messages_inbox, name="messages"),
        path("messages/case/<int:job_id>/", views.message_case, name="message_case"),
        path("messages/agency/", views.message_agency, name="message_agency"),
        path("messages/complaint/", views.message_complaint, name="message_complaint"),
        path("staff/messages/", views.staff_messages, name="staff_messages"),
        path("staff/messages/<int:thread_id>/", views.staff_thread, name="staff_thread"),
        path(
            "staff/messages/<int:thread_id>/block/",
            views.staff_thread_block,
            name="staff_thread_block",
        ),
        path(
            "staff/messages/<int:thread_id>/unblock/",
            views.staff_thread_unblock,
            name="staff_thread_unblock",
        ),
        path("alerts/<str:token>/", views.alerts_manage, name="alerts_manage"),
    ],
    "staffing",
)

urlpatterns = [
    path("", include(staffing_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("jobs/", include("jobs.urls")),
    path("me/", include("registrants.urls")),
    path("coordinators/", include("coordinators.urls")),
]
