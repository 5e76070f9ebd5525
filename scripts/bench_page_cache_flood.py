"""How big a flood of query strings makes the page cache, on local memory and on Redis.

Builds the seeded site in a throwaway SQLite database, then sends, per scenario, FLOOD (650)
anonymous GETs with distinct query strings to four kinds of address: the home page with
marketing tags and with made-up parameters, the story index's page number, and an address whose
view declares nothing (robots.txt). It prints how many pages were stored and the bytes they
take: the pickled size of every entry on local memory, Redis's own MEMORY USAGE on Redis. The
same flood runs with the app's bound (the defaults) and without it (no ignored parameters, no
page declaring what it reads, no caps: how the cache behaved before), so the difference is
measured, not assumed.

Usage: .venv/bin/python -m scripts.bench_page_cache_flood        (locmem)
       REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python -m scripts.bench_page_cache_flood
"""

import os
import re
import sys
import tempfile
from contextlib import ExitStack
from unittest import mock

FLOOD = int(os.environ.get("FLOOD", "650"))
ADDRESSES = {
    "/?utm_x=N": "/?utm_source=news&utm_x={n}",
    "/?x=N": "/?x={n}",
    "/stories/?page=N": "/stories/?page={n}",
    "/robots.txt?n=N": "/robots.txt?n={n}",
}
PAGE_KEY = re.compile(r"page-cache:[^:]+:[0-9a-f]{64}$")


def _setup() -> None:
    workdir = tempfile.mkdtemp(prefix="ijm-flood-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ijm_site.settings_test")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/db.sqlite3"
    os.environ["RATE_LIMIT_CACHE_DIR"] = f"{workdir}/rate-limits"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PAGE_CACHE_GENERATION_FILE = f"{workdir}/generation"
    call_command("migrate", verbosity=0)
    call_command("seed_content", verbosity=0)


def _stored(cache) -> tuple[int, int]:
    """(pages stored, bytes they take) in the page cache alias."""
    if isinstance(cache._cache, dict):
        keys = [k for k in cache._cache if PAGE_KEY.search(k)]
        return len(keys), sum(len(cache._cache[k]) for k in keys)
    client = cache._cache.get_client()
    keys = [k for k in client.scan_iter(match="*page-cache:*") if PAGE_KEY.search(k.decode())]
    return len(keys), sum(client.memory_usage(k) or 0 for k in keys)


def _flood(bounded: bool) -> list[tuple[str, int, int]]:
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client
    from django.test.utils import override_settings

    unbounded = {
        "PAGE_CACHE_IGNORED_QUERY_PARAMS": [],
        "PAGE_CACHE_MAX_ENTRIES": 10**9,
        "PAGE_CACHE_MAX_VARIANTS": 10**9,
    }
    rows = []
    with ExitStack() as stack:
        if not bounded:
            stack.enter_context(override_settings(**unbounded))
            for module in ("ijm_site.wagtail_hooks", "pages.views"):
                stack.enter_context(mock.patch(f"{module}.uses_query_params", lambda *a: None))
        cache = caches[settings.PAGE_CACHE_ALIAS]
        for label, template in ADDRESSES.items():
            cache.clear()
            client = Client()
            for n in range(FLOOD):
                if client.get(template.format(n=n)).status_code != 200:
                    sys.exit(f"{template.format(n=n)} did not answer 200")
            rows.append((label, *_stored(cache)))
    return rows


def main() -> None:
    _setup()
    from django.conf import settings

    backend = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    print(f"page cache on {backend}, {FLOOD} distinct query strings per address")
    print(f"{'address':<20} {'bound':<9} {'pages stored':>12} {'KB stored':>10}")
    for bounded in (False, True):
        for label, count, size in _flood(bounded):
            name = "app's" if bounded else "none"
            print(f"{label:<20} {name:<9} {count:>12} {size / 1024:>10.0f}")
    print(
        f"bound: PAGE_CACHE_MAX_ENTRIES={settings.PAGE_CACHE_MAX_ENTRIES}, "
        f"PAGE_CACHE_MAX_VARIANTS={settings.PAGE_CACHE_MAX_VARIANTS} per path"
    )
    from django.core.cache import caches

    caches[settings.PAGE_CACHE_ALIAS].clear()


if __name__ == "__main__":
    main()
