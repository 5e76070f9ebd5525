from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView
from django.views.static import serve as static_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from pages import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path("search/", search_views.search, name="search"),
    path("", include("donations.urls")),
]

# Uploaded images and their renditions. One machine serves them itself (`make serve`); at scale a
# proxy, CDN or S3-compatible storage takes over (DESIGN.md, scale-out path).
urlpatterns += [
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
        cache_control(max_age=7 * 24 * 3600, public=True)(static_serve),
        {"document_root": settings.MEDIA_ROOT},
    )
]

urlpatterns += [path("", include(wagtail_urls))]
