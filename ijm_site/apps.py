from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The project's own plumbing as an app, so that it can own what apps own: the page cache's
    signal wiring, the `clear_page_cache` command and the proxy system checks. Feature apps
    (`pages`, `donations`) use it; it never imports them."""

    name = "ijm_site"
    verbose_name = _("Site plumbing")

    def ready(self):
        from ijm_site import checks, frontend_cache, page_cache  # noqa: F401 - checks register

        page_cache.connect_signals()
        frontend_cache.connect_signals()
