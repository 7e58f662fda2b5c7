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
