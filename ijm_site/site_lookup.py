"""Which Wagtail Site answers a request, remembered by each process.

Wagtail finds the Site with one query per request (``get_site_for_hostname``: a CASE annotation
the ORM compiles anew every time). On campaign day that query was the largest single cost of a
donor's gift after Stripe's own library: 8 to 9 % of the app servers' CPU under the spike, 3.0 of
the 7.7 ms Wagtail spends routing the donate form's POST (README "Campaign day").

Sites change rarely, and every change to one (and every publish, unpublish, move or delete)
starts a new page-cache generation, which every process sees at once (ijm_site/page_cache.py).
So each process remembers the answer per host, port and generation; a new generation forgets
them all. Nothing is looked up ahead of Wagtail: a request that never asks for its Site (a static
file, the webhook) costs no query, and what Wagtail found is remembered when the response is
done, unless the generation changed meanwhile (the request may have changed a Site itself).

What is remembered is the rows' values, never the instances: each request gets a Site and a
root page of its own, built from those values, because Wagtail caches ``.specific``,
``.localized`` and more on page instances and a request's page must never be another's.
"""

import threading

from django.db import DEFAULT_DB_ALIAS
from django.http.request import split_domain_port
from wagtail.models import Site

from ijm_site.page_cache import current_generation

MAX_REMEMBERED = 32
"""Hosts remembered at once. The raw Host header is not checked against ALLOWED_HOSTS here
(Wagtail reads it the same way), so a client sending many names must not grow this without end."""

NOT_REMEMBERED = object()


def _row(instance) -> tuple:
    """A model instance's class, field names and values: enough to build another one."""
    names = [field.attname for field in type(instance)._meta.concrete_fields]
    return type(instance), names, tuple(getattr(instance, name) for name in names)


def _built(row):
    model, names, values = row
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


def _snapshot(site: Site | None):
    """The rows behind ``site`` (and its root page, when Wagtail fetched it with the site)."""
    if site is None:
        return None
    return _row(site), _row(site.root_page) if Site.root_page.is_cached(site) else None


def _rebuild(snapshot) -> Site | None:
    if snapshot is None:
        return None
    site_row, root_row = snapshot
    site = _built(site_row)
    if root_row is not None:
        site.root_page = _built(root_row)
    return site


class RememberedSites:
    def __init__(self):
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._snapshots: dict[tuple, object] = {}

    @staticmethod
    def key(request) -> tuple:
        return split_domain_port(request._get_raw_host())[0], request.get_port()

    def recall(self, key: tuple, generation: str):
        """A new Site for ``key`` (or None: no site answers it), or NOT_REMEMBERED."""
        with self._lock:
            if generation != self._generation:
                self._snapshots.clear()
                self._generation = generation
            snapshot = self._snapshots.get(key, NOT_REMEMBERED)
        return snapshot if snapshot is NOT_REMEMBERED else _rebuild(snapshot)

    def remember(self, key: tuple, generation: str, site: Site | None) -> None:
        if current_generation() != generation:
            return  # something changed meanwhile, perhaps this very Site
        snapshot = _snapshot(site)
        with self._lock:
            if generation != self._generation:
                return
            if len(self._snapshots) >= MAX_REMEMBERED:
                self._snapshots.clear()
            self._snapshots[key] = snapshot

    def forget(self) -> None:
        with self._lock:
            self._snapshots.clear()
            self._generation = None


remembered_sites = RememberedSites()


class SiteLookupMiddleware:
    """Gives the request a Site this process remembers, before Wagtail looks for one
    (``Site.find_for_request`` keeps what it finds on ``request._wagtail_site`` and looks no
    further); remembers what Wagtail found otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key, generation = remembered_sites.key(request), current_generation()
        site = remembered_sites.recall(key, generation)
        if site is not NOT_REMEMBERED:
            request._wagtail_site = site
            return self.get_response(request)
        response = self.get_response(request)
        if "_wagtail_site" in request.__dict__:
            remembered_sites.remember(key, generation, request._wagtail_site)
        return response
