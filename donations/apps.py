from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")

    def ready(self):
        from donations.seed import (
            add_donor_path_defaults,
            add_filipino_donate_page,
            seed_donate_page,
            translate_donate_page,
        )
        from pages.seed.steps import (
            register_seed_addition,
            register_seed_step,
            register_translation_step,
        )

        register_seed_step("donations.donate_page", seed_donate_page)
        register_translation_step("donations.donate_page", translate_donate_page)
        # Names are permanent (pages/seed/steps.py) and printed by `make serve`'s seed step,
        # whose log must never hold the word "donor".
        register_seed_addition("donate-page-path-and-trust", add_donor_path_defaults)
        register_seed_addition("filipino-donate-page", add_filipino_donate_page)

        from django.core.cache import cache
        from wagtail.signals import page_published, page_unpublished

        from donations import stripe_client  # noqa: F401 - connects its setting_changed receiver
        from donations.templatetags.donation_tags import donate_page_url_cache_keys

        def forget_donate_url(sender, **kwargs):
            cache.delete_many(donate_page_url_cache_keys())

        for signal in (page_published, page_unpublished):
            signal.connect(forget_donate_url, weak=False, dispatch_uid=f"donations-{id(signal)}")
