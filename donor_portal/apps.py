from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorPortalConfig(AppConfig):
    """The code lives in ``donor_portal``; its label (tables, permissions, migrations) is
    ``gift_portal``, because `make serve` prints the labels of the migrations it applies, and
    the served site's log must never hold the word "donor" (tests/e2e/test_production_server.py)."""

    name = "donor_portal"
    label = "gift_portal"
    verbose_name = _("Monthly donors' portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from donor_portal import (  # noqa: F401 - connect to donations' signals
            erasure,
            receivers,
        )
