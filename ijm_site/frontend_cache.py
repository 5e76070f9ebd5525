"""Keeping the HTTP cache in front (Varnish, Cloudflare, CloudFront) fresh when content changes.

Wagtail's ``wagtail.contrib.frontend_cache`` purges a page's own URLs when it is published or
unpublished (deleting a live page unpublishes it first). This module takes over those two
signals, so that one batch holds the page and everything else the change shows on:

- the page's ancestors up to the home page (the story index lists a story, the home page
  features it) and every live translation of each (their language links name the page);
- a move or a slug change: the old URLs of the page and its descendants as well as the new ones;
- a page shown in the menu (on every page), a privacy rule, a site setting, an image, a
  redirect or a site: the whole site (a ban in Varnish, "purge everything" at Cloudflare, an
  invalidation of ``/*`` at CloudFront).

When purges go out: right after the change commits (``transaction.on_commit``), from the
request that made it, each with a short timeout (FRONTEND_CACHE_TIMEOUT). Never through the
durable task queue: there they would wait behind receipt emails the worker is retrying, and a
publish would show late on every page for as long. A purge that fails (the cache is down or
slow) is logged and never breaks the publish; the pages it missed expire by FRONTEND_CACHE_SECONDS.
"""

import logging
from urllib.parse import quote, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends import (
    CloudflareBackend,
    CloudfrontBackend,
    HTTPBackend,
)
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.signals import page_published, page_unpublished

logger = logging.getLogger("ijm.frontend_cache")

URL_SAFE = "/:@!$&'()*+,;=-._~%"


def _after_commit(action, description: str) -> None:
    """Run ``action`` once the current transaction commits (at once outside one); log failures."""

    def run():
        try:
            action()
        except Exception:
            logger.exception("HTTP cache: %s failed; pages expire on their own", description)

    transaction.on_commit(run)


class _Method(Request):
    def __init__(self, method: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._method = method

    def get_method(self) -> str:
        return self._method


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP backend, sent after commit with a timeout, plus a BAN of a whole site.

    ``LOCATION`` is Varnish's address (deploy/varnish/site.vcl); a PURGE there removes every
    stored copy of the path (any query string, any host), a BAN with ``X-Ban-All`` every page.
    """

    def __init__(self, params):
        params = dict(params)
        self.timeout = float(params.pop("TIMEOUT", settings.FRONTEND_CACHE_TIMEOUT))
        super().__init__(params)
        self.location = f"{self.cache_scheme}://{self.cache_netloc}"

    def _send(self, method: str, url: str, headers: dict) -> None:
        request = _Method(
            method,
            url,
            headers={"User-Agent": f"Wagtail-frontendcache/{wagtail_version}", **headers},
        )
        with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - our LOCATION
            response.read()

    def _purge_now(self, urls) -> None:
        for number, url in enumerate(urls):
            parts = urlsplit(url)
            host = parts.hostname + (f":{parts.port}" if parts.port else "")
            path = urlunsplit(("", "", quote(parts.path, safe=URL_SAFE), parts.query, ""))
            try:
                self._send("PURGE", self.location + path, {"Host": host})
            except OSError as error:
                # Unreachable or too slow: the rest would only wait as long again.
                logger.error(
                    "HTTP cache at %s could not purge %s (%s); %d purges skipped",
                    self.location,
                    url,
                    error,
                    len(urls) - number - 1,
                )
                return

    def purge(self, url) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        urls = list(urls)
        _after_commit(lambda: self._purge_now(urls), f"purging {len(urls)} URLs")

    def purge_everything(self, hostnames) -> None:
        """Every host's pages: the site answers to more names than the Sites list."""

        def ban():
            try:
                self._send("BAN", self.location + "/", {"X-Ban-All": "1"})
            except OSError as error:
                logger.error("HTTP cache at %s could not ban the site (%s)", self.location, error)

        _after_commit(ban, "banning the site")


class CloudflareSiteBackend(CloudflareBackend):
    """Wagtail's Cloudflare backend, after commit, plus Cloudflare's "purge everything"."""

    def purge_batch(self, urls) -> None:
        urls = list(urls)
        _after_commit(lambda: CloudflareBackend.purge_batch(self, urls), "Cloudflare purge")

    def purge_everything(self, hostnames) -> None:
        import requests

        headers = {"Content-Type": "application/json"}
        if self.cloudflare_token:
            headers["Authorization"] = f"Bearer {self.cloudflare_token}"
        else:
            headers["X-Auth-Email"] = self.cloudflare_email
            headers["X-Auth-Key"] = self.cloudflare_api_key

        def purge():
            response = requests.post(
                self.cloudflare_purge_endpoint_url,
                json={"purge_everything": True},
                headers=headers,
                timeout=settings.FRONTEND_CACHE_TIMEOUT,
            )
            response.raise_for_status()

        _after_commit(purge, "Cloudflare purge of everything")


class CloudfrontSiteBackend(CloudfrontBackend):
    """Wagtail's CloudFront backend, after commit, plus an invalidation of every path."""

    def purge_batch(self, urls) -> None:
        urls = list(urls)
        _after_commit(lambda: CloudfrontBackend.purge_batch(self, urls), "CloudFront purge")

    def purge_everything(self, hostnames) -> None:
        _after_commit(
            lambda: self._create_invalidation(self.cloudfront_distribution_id, ["/*"]),
            "CloudFront invalidation of everything",
        )


# What a change affects.


def _site_hostnames() -> list[str]:
    from wagtail.models import Site

    return sorted({site.hostname for site in Site.objects.all()})


def purge_everything() -> None:
    """Empty the HTTP cache of every site: after a change that shows on every page."""
    hostnames = _site_hostnames()
    for name, backend in get_backends().items():
        if hasattr(backend, "purge_everything"):
            backend.purge_everything(hostnames)
        else:
            logger.warning("HTTP cache backend %s cannot purge everything", name)


def _with_translations(pages) -> list:
    from wagtail.models import Page

    pages = list(pages)
    keys = {page.translation_key for page in pages}
    translations = Page.objects.live().filter(translation_key__in=keys)
    return pages + [page for page in translations if page.pk not in {p.pk for p in pages}]


def _affected_pages(page, with_descendants: bool = False) -> list:
    """The page, what lists or features it (its ancestors below the tree's root), and their
    live translations."""
    pages = [page, *page.get_ancestors().filter(depth__gt=1).live()]
    if with_descendants:
        pages += list(page.get_descendants().live())
    return _with_translations(pages)


def _shows_on_every_page(page) -> bool:
    """A section directly under a site's home page: the header's menu and the footer list
    those (or may, once an editor ticks "show in menus"), so every page shows its title."""
    from wagtail.models import Site

    parent = page.get_parent()
    return parent is not None and Site.objects.filter(root_page_id=parent.pk).exists()


def _purge_pages(pages) -> None:
    batch = PurgeBatch()
    batch.add_pages(pages)
    batch.purge()


def purge_page_and_listings(page, with_descendants: bool = False) -> None:
    if _shows_on_every_page(page):
        purge_everything()
    else:
        _purge_pages(_affected_pages(page, with_descendants))


# Signal handlers.


def _on_page_change(sender, instance, **kwargs):
    purge_page_and_listings(instance)


_moving: dict[int, tuple[bool, list]] = {}


def _before_move(sender, instance, **kwargs):
    """The pages a move leaves, as they are before it (their old URLs), sent after it."""
    _moving[instance.pk] = (
        _shows_on_every_page(instance),
        _affected_pages(instance, with_descendants=True),
    )


def _after_move(sender, instance, **kwargs):
    was_on_every_page, before = _moving.pop(instance.pk, (False, []))
    if was_on_every_page or _shows_on_every_page(instance):
        purge_everything()
    else:
        _purge_pages(before + _affected_pages(instance, with_descendants=True))


def _on_slug_change(sender, instance, instance_before, **kwargs):
    """The old URLs of a page whose slug changed on publish, and of everything below it."""
    old_base, new_base = instance_before.get_full_url(), instance.get_full_url()
    if not old_base or not new_base:
        return
    batch = PurgeBatch()
    batch.add_pages([instance, *instance.get_descendants().live()])
    batch.urls = {old_base + url[len(new_base) :] for url in batch.urls if url.startswith(new_base)}
    batch.purge()


def _on_site_wide_change(sender, **kwargs):
    purge_everything()


def _replace_wagtails_page_handlers() -> None:
    """Ours purge the page itself too, in the same batch, so a cache that is down costs one
    timeout per change, not two (wagtail.contrib.frontend_cache is listed before ijm_site in
    INSTALLED_APPS, so its handlers are connected by now)."""
    from django.apps import apps
    from wagtail.contrib.frontend_cache import signal_handlers as wagtails
    from wagtail.models import Page

    for model in apps.get_models():
        if issubclass(model, Page):
            page_published.disconnect(wagtails.page_published_signal_handler, sender=model)
            page_unpublished.disconnect(wagtails.page_unpublished_signal_handler, sender=model)


def connect_signals() -> None:
    """A page's own URLs and everything else it shows on, and whole-site changes."""
    from django.db.models.signals import post_delete, post_save
    from wagtail import signals as wagtail_signals
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site

    from ijm_site.page_cache import _concrete_subclasses

    _replace_wagtails_page_handlers()
    uid = "ijm_site.frontend_cache"
    wagtail_signals.page_published.connect(_on_page_change, dispatch_uid=f"{uid}.published")
    wagtail_signals.page_unpublished.connect(_on_page_change, dispatch_uid=f"{uid}.unpublished")
    wagtail_signals.pre_page_move.connect(_before_move, dispatch_uid=f"{uid}.pre_move")
    wagtail_signals.post_page_move.connect(_after_move, dispatch_uid=f"{uid}.post_move")
    wagtail_signals.page_slug_changed.connect(_on_slug_change, dispatch_uid=f"{uid}.slug")

    models = [Redirect, Site, PageViewRestriction, get_image_model()]
    models += _concrete_subclasses(BaseSiteSetting) + _concrete_subclasses(BaseGenericSetting)
    for model in models:
        post_save.connect(_on_site_wide_change, sender=model, dispatch_uid=f"{uid}.save.{model}")
        post_delete.connect(_on_site_wide_change, sender=model, dispatch_uid=f"{uid}.del.{model}")
