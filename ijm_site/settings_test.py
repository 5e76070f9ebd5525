"""Test settings: the real settings with fast hashing, plain static files and in-memory email."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from ijm_site.settings import *  # noqa: E402,F403
from ijm_site.settings import BASE_DIR, media_storages  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail goes straight to Django's test outbox; tests of the queue put the queued backend back.
EMAIL_BACKEND = EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media" / "public"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-media" / "private"
STORAGES = {
    **media_storages(MEDIA_ROOT, PRIVATE_MEDIA_ROOT),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
# Tasks run at once in the test process; tests of the durable queue switch "background" to the
# database backend.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "email"],
    },
}
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
PAGE_CACHE_GENERATION_FILE = BASE_DIR / ".test-media" / "page-cache-generation"
if "diskcache" in CACHES[RATELIMIT_USE_CACHE]["BACKEND"]:  # noqa: F405
    CACHES[RATELIMIT_USE_CACHE]["LOCATION"] = str(BASE_DIR / ".test-media" / "rate-limits")  # noqa: F405
# A live server's request threads (pytest-django's live_server) close their connection after each
# request: a thread that a keep-alive client (Varnish, Chromium) keeps waiting would otherwise
# still hold a session when the PostgreSQL test database is dropped ("being accessed by other
# users"). Tests' own requests through Django's client never close it.
for _database in DATABASES.values():  # noqa: F405
    _database["CONN_MAX_AGE"] = 0
