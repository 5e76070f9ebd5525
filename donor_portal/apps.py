from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorPortalConfig(AppConfig):
    name = "donor_portal"
    verbose_name = _("Monthly donors' portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from donor_portal import receivers  # noqa: F401 - connects to donations' signals
