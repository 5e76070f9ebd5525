from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Site pages")

    def ready(self):
        from pages import renditions, story_content_lock
        from pages.seed import additions_for_existing_sites

        additions_for_existing_sites.register()
        renditions.connect_signals()
        story_content_lock.connect_signals()
