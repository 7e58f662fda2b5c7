from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrantsConfig(AppConfig):
    name = "registrants"
    verbose_name = _("Registrants")
