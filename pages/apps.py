from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site pages"

    def ready(self):
        from pages import page_cache, renditions

        page_cache.connect_signals()
        renditions.connect_signals()
