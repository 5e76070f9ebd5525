"""Settings for the IJM Philippines site, read from the environment.

Secure by default: DEBUG is off unless ``DEBUG=1``, and without DEBUG the site refuses to
start without a ``SECRET_KEY`` and ``ALLOWED_HOSTS``. The README lists every variable.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ijm_site.client_address import parse_trusted_proxies
from ijm_site.frontend_cache_settings import configured_frontend_caches
from ijm_site.locales import register_filipino

register_filipino()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret_key() -> str:
    """A per-clone random key for DEBUG runs, kept out of git, so sessions survive restarts."""
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before ijm_site, whose ready() replaces its page signal handlers (ijm_site/frontend_cache.py).
    "wagtail.contrib.frontend_cache",
    "ijm_site",
    "pages",
    "donations",
    "donor_portal",
    "ijm_site.taskqueue",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "django_ratelimit",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "ijm_site.client_address.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ijm_site.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "ijm_site.page_cache.PageCacheMiddleware",
    "ijm_site.site_lookup.SiteLookupMiddleware",  # one Site query per process and generation
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ijm_site.languages.PathLanguageMiddleware",  # the language from the path only: see there
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "pages.safeguarding.SafeguardingMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "ijm_site.urls"
WSGI_APPLICATION = "ijm_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# An empty DATABASE_URL (`DATABASE_URL= make test`) means "not set", as for every other variable.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite under gunicorn's threads has many writers at once (donors, webhooks, the task worker).
# WAL lets readers go on while one writes; BEGIN IMMEDIATE takes the write lock when a transaction
# starts, so two transactions never deadlock upgrading from read to write (SQLite then fails at
# once with "database is locked", whatever the timeout); the timeout (seconds) makes a writer wait
# its turn instead; synchronous=NORMAL spares an fsync per commit and in WAL mode never corrupts
# the file (a power cut may undo the last commits, which reconcile_donations repairs from Stripe).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
# Within one process, writers also queue for their turn instead of polling SQLite's lock
# (ijm_site/serialised_sqlite), so a thread never sleeps on a lock that is already free.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "ijm_site.serialised_sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")

# Three caches, so that no use can push out another's entries:
# - "default": small site-wide values (settings, the donate page's address);
# - "page_cache": whole pages for anonymous visitors (ijm_site/page_cache.py), bounded by the
#   app itself (PAGE_CACHE_MAX_ENTRIES, PAGE_CACHE_MAX_VARIANTS), because Redis here has no
#   memory limit and a flood of URLs must never grow it without end;
# - "rate_limits": counters (django-ratelimit, login throttles) that every worker process must
#   share and increment atomically. On Redis, INCR. Without Redis, diskcache's SQLite files
#   beside the code: one machine's gunicorn workers all see them, SQLite serialises the
#   increments (diskcache's incr is atomic across processes), and pages never share its space.
#   Django's DatabaseCache would be the other shared store, but its incr is a read then a write
#   (lost updates under concurrency) and on SQLite it competes with gift writes for one lock.
PAGE_CACHE_ALIAS = "page_cache"
RATELIMIT_USE_CACHE = "rate_limits"
PAGE_CACHE_MAX_ENTRIES = int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "500"))
PAGE_CACHE_MAX_VARIANTS = int(os.environ.get("PAGE_CACHE_MAX_VARIANTS", "20"))
RATE_LIMIT_CACHE_DIR = Path(os.environ.get("RATE_LIMIT_CACHE_DIR", BASE_DIR / ".rate-limits"))
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
        for alias, prefix in (
            ("default", "ijm"),
            (PAGE_CACHE_ALIAS, "ijm-pages"),
            (RATELIMIT_USE_CACHE, "ijm-limits"),
        )
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ijm-site",
        },
        PAGE_CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ijm-pages",
            # Local memory culls by itself; the app's own cap keeps it well below this.
            "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_MAX_ENTRIES * 2},
        },
        RATELIMIT_USE_CACHE: {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(RATE_LIMIT_CACHE_DIR),
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {"size_limit": 2**26},
        },
    }

# django-ratelimit names only django-redis and memcached as supported (W001); Django's own
# RedisCache and diskcache increment atomically too.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Whole pages for anonymous visitors (ijm_site/page_cache.py), in the "page_cache" cache above.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# With a shared cache (Redis), the pages each process keeps a copy of, so a hit reads only the
# generation from Redis (ijm_site/page_cache.py). 0 turns the copies off.
PAGE_CACHE_LOCAL_ENTRIES = int(os.environ.get("PAGE_CACHE_LOCAL_ENTRIES", "100"))
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/documents/", "/media/", "/stripe/"]
PAGE_CACHE_GENERATION_FILE = BASE_DIR / ".page-cache-generation"
# Tags that analytics and ad platforms add to links: no page reads them, so they never make a
# page a new entry (the HTTP cache in front should strip the same ones).
PAGE_CACHE_IGNORED_QUERY_PARAMS = [
    "utm_*",
    "fbclid",
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
]

# The HTTP cache in front (README, "HTTP cache in front"; ijm_site/frontend_cache.py). Public
# pages say a shared cache may keep them FRONTEND_CACHE_SECONDS (browsers revalidate every time),
# because every change that shows on them purges them; a 404 only briefly. Purges go to Varnish
# at FRONTEND_CACHE_URL (comma-separated for several), Cloudflare (CLOUDFLARE_ZONE_ID and
# CLOUDFLARE_BEARER_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) and CloudFront
# (CLOUDFRONT_DISTRIBUTION_ID), each waiting at most FRONTEND_CACHE_TIMEOUT seconds.
FRONTEND_CACHE_SECONDS = int(os.environ.get("FRONTEND_CACHE_SECONDS", str(24 * 3600)))
FRONTEND_CACHE_NOT_FOUND_SECONDS = int(os.environ.get("FRONTEND_CACHE_NOT_FOUND_SECONDS", "60"))
FRONTEND_CACHE_TIMEOUT = float(os.environ.get("FRONTEND_CACHE_TIMEOUT", "2"))
WAGTAILFRONTENDCACHE = configured_frontend_caches(
    os.environ.get("FRONTEND_CACHE_URL", ""), FRONTEND_CACHE_TIMEOUT
)
# Each language's URLs come from its own live translation (ijm_site/frontend_cache.py), not from
# rewriting a path's language prefix, which a translated slug would not match.
WAGTAILFRONTENDCACHE_LANGUAGES = []

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two languages, one site: English at /, Filipino under /fil/ (README, "Languages"). Django ships
# no Filipino locale, so ijm_site/locales.py registers it (names, formats) and our own catalogue in
# locale/ carries every string the site shows, Django's month and day names included.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fil", "Filipino")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ijm_site.formats"]
TIME_ZONE = "Asia/Manila"
USE_I18N = True
USE_TZ = True
# One page tree per language (Wagtail's localisation); the admin itself stays in English, the
# language Wagtail's own interface and our staff work in.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English")]
# Editors translate with simple_translation ("Translate" in a page's menu: a draft copy in the
# other tree). No synced tree: an alias of a story in the Filipino tree would show English content
# no editor confirmed for that tree, and aliases go live without a revision (README, "Languages").
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private: image originals and documents go to the default storage, which the site
# never serves at a URL (documents only through Wagtail's view, which checks privacy). Only image
# renditions, which carry no metadata, are public, from their own storage under MEDIA_ROOT.
# With MEDIA_BUCKET set, object storage swaps these two backends (below) and nothing else.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", MEDIA_ROOT.parent / "private-media"))


def media_storages(public_root: Path, private_root: Path) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_root, "base_url": "/private-media-is-not-served/"},
        },
        "renditions": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": public_root, "base_url": MEDIA_URL},
        },
    }


# Media in an S3-compatible bucket (README, "Media in object storage"): with MEDIA_BUCKET set, both
# media storages move to one bucket under two prefixes. "private/" (image originals, documents) is
# written with the private ACL and its URLs are unsigned, so a URL that leaks answers 403; documents
# still stream through Wagtail's view (pages/document_streaming.py). "public/" (renditions) is
# public-read with a week's Cache-Control, served by the bucket or MEDIA_PUBLIC_URL (a CDN), and
# that origin joins the public pages' img-src. No upload ever overwrites another (file_overwrite).
MEDIA_BUCKET = os.environ.get("MEDIA_BUCKET", "")
MEDIA_ENDPOINT_URL = os.environ.get("MEDIA_ENDPOINT_URL", "")
MEDIA_PUBLIC_URL = os.environ.get("MEDIA_PUBLIC_URL", "").rstrip("/")
RENDITION_CACHE_CONTROL = "public, max-age=604800"


def object_storages(bucket: str) -> dict:
    from urllib.parse import urlsplit

    common = {
        "bucket_name": bucket,
        "endpoint_url": MEDIA_ENDPOINT_URL or None,
        "region_name": os.environ.get("MEDIA_REGION") or None,
        "access_key": os.environ.get("MEDIA_ACCESS_KEY_ID") or None,  # else AWS_ACCESS_KEY_ID
        "secret_key": os.environ.get("MEDIA_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("MEDIA_ADDRESSING_STYLE") or None,
        "file_overwrite": False,
        "querystring_auth": False,
    }
    public = urlsplit(MEDIA_PUBLIC_URL)
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "location": "private", "default_acl": "private"},
        },
        "renditions": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": "public",
                "default_acl": "public-read",
                "object_parameters": {"CacheControl": RENDITION_CACHE_CONTROL},
                "custom_domain": (public.netloc + public.path) if MEDIA_PUBLIC_URL else None,
                "url_protocol": f"{public.scheme or 'https'}:",
            },
        },
    }


def media_public_origin(bucket: str) -> str:
    """Where rendition URLs point (scheme and host), for the Content-Security-Policy."""
    from urllib.parse import urlsplit

    if not bucket:
        return ""
    if MEDIA_PUBLIC_URL:
        address = urlsplit(MEDIA_PUBLIC_URL)
    elif MEDIA_ENDPOINT_URL:
        address = urlsplit(MEDIA_ENDPOINT_URL)
        if os.environ.get("MEDIA_ADDRESSING_STYLE") == "virtual":
            return f"{address.scheme}://{bucket}.{address.netloc}"
    else:
        region = os.environ.get("MEDIA_REGION") or "us-east-1"
        return f"https://{bucket}.s3.{region}.amazonaws.com"
    return f"{address.scheme}://{address.netloc}"


MEDIA_PUBLIC_ORIGIN = media_public_origin(MEDIA_BUCKET)

STORAGES = {
    **(
        object_storages(MEDIA_BUCKET)
        if MEDIA_BUCKET
        else media_storages(MEDIA_ROOT, PRIVATE_MEDIA_ROOT)
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email. Every message leaves the request through the durable queue (ijm_site/taskqueue): Django's
# EMAIL_BACKEND only stores it and enqueues its id; the worker delivers it with
# EMAIL_DELIVERY_BACKEND, which the EMAIL_BACKEND variable names (console under DEBUG, SMTP in
# production).
EMAIL_BACKEND = "ijm_site.taskqueue.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# A mail server that hangs costs the worker at most this long per step, then the task retries.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IJM Philippines <no-reply@ijm.org.ph>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (django-tasks, installed by Wagtail). Two backends:
# - "default" runs in the request, as Wagtail ships it: Wagtail's own bookkeeping (the reference
#   index that the story safeguards read, image files) and page renditions stay current at once
#   and never wait on the outside world.
# - "background" is durable (django-tasks-db, rows in our own database): every email, run by
#   `manage.py run_worker` beside the web server, with retries and recovery (ijm_site/taskqueue).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email"],
    },
}
# A failed attempt is retried after 2, 4, 8… seconds, never more than TASKS_RETRY_MAX_DELAY
# apart, for TASKS_RETRY_FOR_HOURS after the task was queued; then it shows as failed.
TASKS_RETRY_BASE_DELAY = float(os.environ.get("TASKS_RETRY_BASE_DELAY", "2"))
TASKS_RETRY_MAX_DELAY = float(os.environ.get("TASKS_RETRY_MAX_DELAY", "60"))
TASKS_RETRY_FOR_HOURS = float(os.environ.get("TASKS_RETRY_FOR_HOURS", "24"))
# Each worker says it is alive this often; a running task whose worker has been silent for
# TASKS_WORKER_LEASE seconds (killed, machine lost) is run again by another worker.
TASKS_HEARTBEAT_SECONDS = float(os.environ.get("TASKS_HEARTBEAT_SECONDS", "5"))
TASKS_WORKER_LEASE = float(os.environ.get("TASKS_WORKER_LEASE", "30"))

# Stripe. Without STRIPE_SECRET_KEY the donate page says online giving is not available yet.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
STRIPE_TIMEOUT = float(os.environ.get("STRIPE_TIMEOUT", "10"))
STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2"))
# Stripe's default limit per API endpoint, over any one second. Our creations are spaced
# 1/(N - 1) s apart; a donor with no slot in the next half second is told at once to try again in
# a moment (donations/stripe_client.py). 0 leaves the counting to Stripe's own 429s.
STRIPE_CHECKOUT_SESSIONS_PER_SECOND = int(
    os.environ.get("STRIPE_CHECKOUT_SESSIONS_PER_SECOND", "25")
)

# Who is the client (ijm_site/client_address.py): only these proxies may tell us, through
# X-Forwarded-For. By default only a proxy on this machine; list a load balancer's addresses or
# networks explicitly. gunicorn's forwarded_allow_ips reads the same variable.
if "TRUSTED_PROXY_HOPS" in os.environ:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_HOPS is no longer read: list your proxies' addresses or networks in "
        "TRUSTED_PROXIES instead (see the README's security section), then unset it."
    )
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
parse_trusted_proxies(TRUSTED_PROXIES)  # a malformed entry stops the start with its name
RATELIMIT_IP_META_KEY = "ijm_site.client_address.client_ip"

# Security headers beyond Django's own (ijm_site/security.py). No inline script or style on the
# public site; forms may post to the site and redirect to Stripe Checkout (or the local fake).
STRIPE_CHECKOUT_ORIGINS = ["https://checkout.stripe.com"]
if STRIPE_API_BASE:
    STRIPE_CHECKOUT_ORIGINS.append(STRIPE_API_BASE.rstrip("/"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_PUBLIC_ORIGIN] if MEDIA_PUBLIC_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *STRIPE_CHECKOUT_ORIGINS],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "usb": [],
    "payment": ["self", *STRIPE_CHECKOUT_ORIGINS],
}

# Failed admin logins (django-axes, ijm_site/login_defence.py): an address that fails too often
# is locked out whatever usernames it tries (spraying), and a username that fails too often
# from addresses it has never signed in from is locked for those addresses only (slow guessing
# from many addresses), so a stranger can never lock a staff member out of where they work.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = "ijm_site.login_defence.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ijm_site.client_address.client_ip"

# Wagtail
WAGTAIL_SITE_NAME = "IJM Philippines"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "pages.SiteImage"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif", "heic"]
# Decoding costs memory by pixels, not bytes: 50 megapixels lets a 48 MP phone photo through and
# refuses the 121 MP attack PNG and 200 MP camera modes. Uploads decoded at once per process
# (pages/image_privacy.py); phone photos of 48 MP run to about 20 MB.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 30 * 1024 * 1024
IMAGE_PROCESSING_SLOTS = int(os.environ.get("IMAGE_PROCESSING_SLOTS", "2"))
WAGTAILIMAGES_RENDITION_STORAGE = "renditions"
# Stream documents through Wagtail's view (privacy checks) even once their storage is a bucket.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Both forms refuse changes to what a live or scheduled story shows (pages/story_content_lock.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "pages.media_forms.SiteImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "pages.media_forms.SiteDocumentForm"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: staff avatars would tell a third party who works in the admin (and the admin's
# Content-Security-Policy blocks them anyway). Staff can upload an avatar in their account.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_MODERATION_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "ijm": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Behind a TLS proxy in production.
# ijm_site.client_address.ProxyHeadersMiddleware drops X-Forwarded-* headers that did not come
# from a trusted proxy, so these two believe only our own proxies.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # "preload" only allows a submission to the browsers' preload list; submitting is a separate,
    # deliberate step (hstspreload.org). Set SECURE_HSTS_PRELOAD=0 for a domain that never will.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Monthly donors manage their gift (donor_portal; README "Monthly donors manage their gift").
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")
"""The site's public address for links in emails the worker sends (empty: WAGTAILADMIN_BASE_URL)."""
PORTAL_SESSION_SECONDS = int(os.environ.get("PORTAL_SESSION_SECONDS", str(60 * 60)))
PORTAL_LINK_RATE_PER_ADDRESS = os.environ.get("PORTAL_LINK_RATE_PER_ADDRESS", "10/h")
PORTAL_LINK_RATE_PER_EMAIL = os.environ.get("PORTAL_LINK_RATE_PER_EMAIL", "3/h")
PORTAL_ADDRESS_RETENTION_DAYS = int(os.environ.get("PORTAL_ADDRESS_RETENTION_DAYS", "90"))
