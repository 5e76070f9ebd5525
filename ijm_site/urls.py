from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView
from django.views.static import serve as static_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from pages import views as search_views
from pages.seo import LocalisedSitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": LocalisedSitemap}}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path("", include("donations.urls")),
]

# Image renditions only: originals and documents live in private storage and are never served
# here (documents go through Wagtail's own view above). Only the renditions' folder is mapped, so
# an original left under MEDIA_ROOT by an older version is not reachable either. One machine
# serves them itself (`make serve`); at scale a CDN or S3-compatible storage takes over.
RENDITIONS_FOLDER = "images"
urlpatterns += [
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/{RENDITIONS_FOLDER}/(?P<path>.*)$",
        cache_control(max_age=7 * 24 * 3600, public=True)(static_serve),
        {"document_root": settings.MEDIA_ROOT / RENDITIONS_FOLDER},
    )
]

# What visitors read, in their language: English unprefixed as before, Filipino under /fil/
# (the language comes from the path alone: ijm_site/languages.py). Wagtail serves each
# language's tree: the site's root page and its translations.
urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("monthly-gift/", include("donor_portal.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
