"""A full-page cache for anonymous visitors, cleared whenever published content changes.

Why our own: wagtail-cache does not support Wagtail 8, and Django's per-site cache keys on the
Cookie header (useless here) and cannot be cleared without wiping rate limits and sessions.

A hit does as little work as possible: the middleware sits right after the security and static
file middleware, so a cached page never touches sessions, the database or the templates.

What is cached: the 200 answers to GET/HEAD requests from visitors without a session, that set no
cookie, did not use the CSRF token (forms) and are not marked private or no-cache. Staff with a
session cookie always get a fresh page.

A form page may opt in with ``serve_with_fresh_tokens(request, *one_time_values)``: it is stored
once, and every visitor served from the cache gets their own CSRF token (and cookie, through
Django's CSRF middleware) and a fresh UUID in place of each one-time value (such as the donate
form's idempotency token), so what a visitor posts is checked exactly as if the page had been
rendered for them.

Keys and bounds: an entry's key is the scheme, host, path and only the query parameters the
page uses. Marketing tags (``utm_*``, ``fbclid``, ``gclid`` and the like: the setting
PAGE_CACHE_IGNORED_QUERY_PARAMS) never count. A Wagtail page names the parameters it reads in
``page_cache_query_params`` (none by default; the story index its ``page``); another view calls
``uses_query_params(request, ...)``; a view that says nothing is keyed on all its parameters.
The page is only known once it has been rendered, so the parameters each path uses are stored
beside its entries, and a request with a query is looked up once that is known. The cache is
bounded by the app itself, because a Redis without ``maxmemory`` never evicts: at most
PAGE_CACHE_MAX_ENTRIES entries per generation (and per PAGE_CACHE_SECONDS window) and at most
PAGE_CACHE_MAX_VARIANTS query variants per path; past that a page is served uncached. The
counters live in the page cache's own alias, never beside the rate-limit counters.

In-process copies: when the cache is shared (Redis), each process also keeps the last
PAGE_CACHE_LOCAL_ENTRIES pages it served, under the same keys. A hit then costs one Redis round
trip (the current generation, always read afresh) instead of two and never moves the page itself
over the network; a new generation makes every copy unreachable at once, as it does the shared
entries, so a copy is never staler than the shared cache.

Shared caches (the HTTP cache in front, ijm_site/frontend_cache.py): every answer this cache
would keep for everyone, and that carries no form token and no search terms (the ``query``
parameter), says so with ``Cache-Control: public, max-age=0, s-maxage=FRONTEND_CACHE_SECONDS``
(browsers revalidate, the shared cache keeps it until a purge); so does a 404, briefly
(FRONTEND_CACHE_NOT_FOUND_SECONDS). Everything else that names no policy of its own gets
``private, no-store`` when it belongs to one visitor (a cookie, a session, a form token) and
``private, no-cache`` otherwise. A view's own Cache-Control (never_cache, renditions) is kept.

Clearing: every entry's key carries a *generation*. Publishing, unpublishing, moving or deleting
a page, saving a site setting, a redirect, a site, an image or a privacy rule starts a new
generation, so every old entry is unreachable at once and expires on its own. The generation
lives where every server process sees it: in the cache itself when the cache is shared (Redis),
or in a small file beside the code when each process has its own local-memory cache.
"""

import fnmatch
import hashlib
import logging
import os
import re
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.cache import cc_delim_re

logger = logging.getLogger("ijm.page_cache")

GENERATION_KEY = "page-cache:generation"
UNCACHEABLE_CACHE_CONTROL = {"private", "no-cache", "no-store"}
HEADERS_NOT_STORED = {"set-cookie", "x-cache"}
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage: a page with a message
FRESH_VALUES = "_page_cache_fresh_values"
QUERY_PARAMS_USED = "_page_cache_query_params"
ALL_PARAMS = "*"
SEARCH_QUERY_PARAM = "query"  # what a visitor typed: never kept by a shared cache (site.vcl too)
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


class LocalCopies:
    """The last pages this process served from (or stored in) a shared cache, by their key."""

    def __init__(self):
        self._entries: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def keep(self, key: str, entry: tuple) -> None:
        size = settings.PAGE_CACHE_LOCAL_ENTRIES
        if size <= 0:
            return
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


local_copies = LocalCopies()


def _stored_entry(cache, key: str):
    """The page stored under ``key``: this process's copy when it has one, else the cache's."""
    if not _is_shared(cache):
        return cache.get(key)
    entry = local_copies.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            local_copies.keep(key, entry)
    return entry


def _generation_file() -> Path:
    return Path(settings.PAGE_CACHE_GENERATION_FILE)


def _is_shared(cache) -> bool:
    """Local memory is private to one process; every other backend is seen by all of them."""
    return not isinstance(cache, LocMemCache)


def current_generation() -> str:
    cache = _cache()
    if _is_shared(cache):
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        return generation
    try:
        stat = os.stat(_generation_file())
    except FileNotFoundError:
        return "0"
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


def start_new_generation() -> None:
    """Make every cached page unreachable, in every server process.

    A fresh random token, never a counter: if the cache evicts the generation key, an old
    counter value could come back and bring old pages with it; a new token cannot.
    """
    cache = _cache()
    if _is_shared(cache):
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        local_copies.clear()  # unreachable already; this only gives the memory back sooner
    else:
        _replace_file(_generation_file())
    logger.debug("page cache cleared")


def _replace_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(uuid.uuid4().hex)
    temporary.replace(path)  # a new inode: readers never see a half-written file


def serve_with_fresh_tokens(request, *one_time_values) -> None:
    """Let this form page be cached; see the module docstring."""
    setattr(request, FRESH_VALUES, [str(value) for value in one_time_values])


def uses_query_params(request, *names: str) -> None:
    """Say which query parameters this response depends on; every other one shares its entry."""
    setattr(request, QUERY_PARAMS_USED, tuple(sorted(set(names))))


def keyed_query(request) -> list[tuple[str, str]]:
    """The query parameters this request's cache entry is keyed on (so far as the view said):
    a link in the page may carry these, never others, or one visitor's would reach another."""
    return _kept(_query_params(request), getattr(request, QUERY_PARAMS_USED, ALL_PARAMS))


def _is_ignored(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _ignored_patterns())


def _ignored_patterns() -> list[str]:
    return settings.PAGE_CACHE_IGNORED_QUERY_PARAMS


def _query_params(request) -> list[tuple[str, str]]:
    """The query's parameters in a stable order, marketing tags dropped."""
    return sorted(
        (name, value)
        for name, values in request.GET.lists()
        if not _is_ignored(name)
        for value in values
    )


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path_info.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def _response_is_cacheable(request, response, status: int = 200) -> bool:
    if response.status_code != status or response.streaming:
        return False
    fresh_tokens = getattr(request, FRESH_VALUES, None) is not None
    allowed_cookies = {settings.CSRF_COOKIE_NAME} if fresh_tokens else set()
    if set(response.cookies) - allowed_cookies:
        return False
    if _uses_csrf(response) and not fresh_tokens:
        return False
    cache_control = {
        directive.split("=")[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & UNCACHEABLE_CACHE_CONTROL:
        return False
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    if vary - {"cookie"}:
        return False  # the page depends on something other than the session we excluded
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _uses_csrf(response) -> bool:
    """Django sets the CSRF cookie on every answer that asked for a token (Django 5 has no
    CSRF_COOKIE_USED flag any more); a token in the page counts too."""
    return settings.CSRF_COOKIE_NAME in response.cookies or bool(
        CSRF_FIELD.search(response.content)
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _path_id(request) -> str:
    return _digest(f"{request.scheme}://{request.get_host()}{request.path}")


def _key(request, generation: str, params) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(params)}"
    return f"page-cache:{generation}:{_digest(address)}"


def _uses_key(request, generation: str) -> str:
    return f"page-cache:{generation}:uses:{_path_id(request)}"


def _kept(params, uses) -> list[tuple[str, str]]:
    return params if uses == ALL_PARAMS else [(k, v) for k, v in params if k in uses]


def _lookup_key(cache, request, generation: str, params) -> str | None:
    """The key this request's page would be stored under, or None while that is unknown."""
    if not params:
        return _key(request, generation, params)
    uses = cache.get(_uses_key(request, generation))
    return None if uses is None else _key(request, generation, _kept(params, uses))


def _has_room(cache, request, generation: str, variant: bool) -> bool:
    """Count one more stored entry, unless the generation or the path is full.

    Counters expire with the entries they count, so the bound holds per PAGE_CACHE_SECONDS
    window: at most twice the cap can be alive at once. The page without a query does not count
    against its path's variants, so a flood of queries never keeps the plain page out.
    """
    timeout = settings.PAGE_CACHE_SECONDS
    total_key = f"page-cache:{generation}:entries"
    cache.add(total_key, 0, timeout)
    if not _within(cache, total_key, settings.PAGE_CACHE_MAX_ENTRIES, "the site"):
        return False
    if not variant:
        return True
    variants_key = f"page-cache:{generation}:variants:{_path_id(request)}"
    cache.add(variants_key, 0, timeout)
    return _within(cache, variants_key, settings.PAGE_CACHE_MAX_VARIANTS, request.path)


def _within(cache, key: str, cap: int, what: str) -> bool:
    count = _increment(cache, key)
    if count == cap + 1:  # once per window, not once per request of a flood
        logger.warning(
            "page cache full for %s (%d entries); further pages served uncached", what, cap
        )
    return count <= cap


def _increment(cache, key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.add(key, 1, settings.PAGE_CACHE_SECONDS)
        return 1


def _shared_seconds(request) -> int | None:
    """How long a shared cache may keep this request's page, which this cache would keep."""
    if request.GET.get(SEARCH_QUERY_PARAM, "").strip():
        return None
    return settings.FRONTEND_CACHE_SECONDS


def _belongs_to_one_visitor(request, response) -> bool:
    user = getattr(request, "user", None)
    return bool(
        response.cookies
        or (user is not None and user.is_authenticated)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or (not response.streaming and CSRF_FIELD.search(response.content))
    )


def _for_shared_caches(request, response, seconds: int | None):
    """Say what a shared cache may do with this answer; see the module docstring."""
    if response.has_header("Cache-Control"):
        return response
    if seconds is not None:
        response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}"
    elif _belongs_to_one_visitor(request, response):
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = "private, no-cache"
    return response


class SiteRootsFollowChanges:
    """Wagtail keeps the site's home pages (one per language) in the default cache to build every
    page's address. In local memory each server process has its own copy, so a Filipino home
    created or published in another process (the admin in another worker, the seed loader)
    would stay unknown here for an hour: every Filipino page would have no address in this
    process (the switcher, hreflang and menus would break). Saving or deleting a home page (any
    page right under the tree's root) touches a small file beside the generation file; a process
    that sees it changed drops its copy. A shared cache needs none of this: there Wagtail's own
    delete reaches everyone."""

    def __init__(self):
        self._seen = None
        self._lock = threading.Lock()

    @staticmethod
    def _file() -> Path:
        generation_file = _generation_file()
        return generation_file.with_name(f"{generation_file.name}.site-roots")

    def marker(self) -> str:
        try:
            stat = os.stat(self._file())
        except FileNotFoundError:
            return "0"
        return f"{stat.st_ino}-{stat.st_mtime_ns}"

    def check(self) -> None:
        if _is_shared(caches["default"]):
            return
        marker = self.marker()
        with self._lock:
            if marker == self._seen:
                return
            self._seen = marker
        from wagtail.models import Site

        Site.clear_site_root_paths_cache()

    def changed(self) -> None:
        if not _is_shared(caches["default"]):
            _replace_file(self._file())


site_roots = SiteRootsFollowChanges()


class PageCacheMiddleware:
    """Serves and stores whole pages for anonymous visitors; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site_roots.check()
        if not _request_is_cacheable(request):
            response = self._mark(self.get_response(request), "BYPASS")
            return _for_shared_caches(request, response, seconds=None)

        cache = _cache()
        generation = current_generation()
        params = _query_params(request)
        key = _lookup_key(cache, request, generation, params)
        stored = None if key is None else _stored_entry(cache, key)
        if stored is not None:
            status, headers, content, csrf_tokens, one_time_values = stored
            if csrf_tokens:
                csrf = CsrfViewMiddleware(self.get_response)
                csrf.process_request(request)  # the visitor's own CSRF secret, or a new one
                for token in csrf_tokens:
                    content = content.replace(token, get_token(request).encode())
            for value in one_time_values:
                content = content.replace(value.encode(), str(uuid.uuid4()).encode())
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            if csrf_tokens:
                csrf.process_response(request, response)  # sets the visitor's CSRF cookie
            seconds = None if csrf_tokens or one_time_values else _shared_seconds(request)
            return _for_shared_caches(request, self._mark(response, "HIT"), seconds)

        response = self.get_response(request)
        if not _response_is_cacheable(request, response):
            seconds = None
            if response.status_code == 404 and _response_is_cacheable(request, response, 404):
                seconds = settings.FRONTEND_CACHE_NOT_FOUND_SECONDS
            return _for_shared_caches(request, self._mark(response, "BYPASS"), seconds)
        shared = (
            None if getattr(request, FRESH_VALUES, None) is not None else _shared_seconds(request)
        )
        csrf_tokens = sorted(set(CSRF_FIELD.findall(response.content)))
        if settings.CSRF_COOKIE_NAME in response.cookies and not csrf_tokens:
            # the token is used some other way
            return _for_shared_caches(request, self._mark(response, "BYPASS"), None)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in HEADERS_NOT_STORED
        ]
        entry = (
            response.status_code,
            headers,
            response.content,
            csrf_tokens,
            getattr(request, FRESH_VALUES, []),
        )
        uses = getattr(request, QUERY_PARAMS_USED, ALL_PARAMS)
        kept = _kept(params, uses)
        if not _has_room(cache, request, generation, variant=bool(kept)):
            return _for_shared_caches(request, self._mark(response, "BYPASS"), shared)
        timeout = settings.PAGE_CACHE_SECONDS
        cache.set_many(
            {_uses_key(request, generation): uses, _key(request, generation, kept): entry}, timeout
        )
        return _for_shared_caches(request, self._mark(response, "MISS"), shared)

    @staticmethod
    def _mark(response, outcome: str):
        response["X-Cache"] = outcome
        return response


def _start_new_generation_now_and_after_commit() -> None:
    """Now, so this request sees the change; and again once it commits, because a page another
    server rendered meanwhile from the old, still committed rows would otherwise sit under the
    new generation, and the HTTP cache in front, purged after the commit, would fetch it and
    keep it for a day."""
    start_new_generation()
    transaction.on_commit(start_new_generation)


def _clear_on_change(sender, **kwargs):
    _start_new_generation_now_and_after_commit()


def _clear_when_a_page_is_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        _start_new_generation_now_and_after_commit()
        _note_a_changed_site_root(sender, instance)


def _note_a_changed_site_root(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.depth == 2:
        site_roots.changed()


def connect_signals() -> None:
    """Everything that changes what an anonymous visitor sees starts a new generation."""
    from django.db.models.signals import post_delete, post_save
    from wagtail import signals as wagtail_signals
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site

    uid = "ijm_site.page_cache"
    for signal in (
        wagtail_signals.page_published,
        wagtail_signals.page_unpublished,
        wagtail_signals.post_page_move,
        wagtail_signals.published,
        wagtail_signals.unpublished,
    ):
        signal.connect(_clear_on_change, dispatch_uid=uid)
    post_delete.connect(_clear_when_a_page_is_deleted, dispatch_uid=f"{uid}.page_delete")
    post_save.connect(_note_a_changed_site_root, dispatch_uid=f"{uid}.site_root_save")

    models = [Redirect, Site, PageViewRestriction, get_image_model()]
    models += _concrete_subclasses(BaseSiteSetting) + _concrete_subclasses(BaseGenericSetting)
    for model in models:
        post_save.connect(_clear_on_change, sender=model, dispatch_uid=f"{uid}.save.{model}")
        post_delete.connect(_clear_on_change, sender=model, dispatch_uid=f"{uid}.del.{model}")


def _concrete_subclasses(base) -> list:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, base) and not m._meta.abstract]
