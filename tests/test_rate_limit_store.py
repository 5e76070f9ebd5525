"""Rate-limit counters live in their own cache, shared by every worker process."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

ROOT = Path(__file__).resolve().parents[1]

COUNT_IN_A_WORKER = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ijm_site.settings_test")
django.setup()
from django.conf import settings
from django.core.cache import caches
counters = caches[settings.RATELIMIT_USE_CACHE]
counters.add("hits", 0, 600)
for _ in range(50):
    counters.incr("hits")
"""


def test_django_ratelimit_counts_in_the_rate_limit_cache():
    assert settings.RATELIMIT_USE_CACHE != "default"
    assert settings.RATELIMIT_USE_CACHE != settings.PAGE_CACHE_ALIAS


def test_every_worker_process_counts_into_one_store_without_losing_a_hit():
    """Four processes incrementing at once, as four gunicorn workers would: every hit counts
    (diskcache's SQLite without REDIS_URL, Redis with it)."""
    counters = caches[settings.RATELIMIT_USE_CACHE]
    counters.delete("hits")
    workers = [
        subprocess.Popen([sys.executable, "-c", COUNT_IN_A_WORKER], cwd=ROOT) for _ in range(4)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0] * 4
    assert counters.get("hits") == 200
