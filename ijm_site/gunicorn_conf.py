"""gunicorn settings for `make serve`: the production server behind a TLS proxy.

Threaded workers (``gthread``): a request that waits on Stripe, SMTP or any other network call
holds one thread, not a whole worker, so cached pages keep being answered while donors' checkouts
wait on Stripe. Not ASGI: WhiteNoise and our page-cache and safeguarding middleware are
synchronous (so are the ORM, Wagtail's page serving and the Stripe library), so under ASGI every
request hops from the event loop to a thread and back; measured with gunicorn's own ASGI worker,
that served the cached home page at a quarter of gthread's rate (README, "Campaign day").

Each thread keeps its own database connection (``CONN_MAX_AGE``), so ``WEB_CONCURRENCY`` workers
× ``WEB_THREADS`` threads × ``WEB_SERVERS`` app servers must fit in the server database's
connections, less those kept for the task worker and admin tools. An over-budget combination is
refused at start with a message that says what to lower, rather than failing under load with
"too many clients".

The access log has one line per request: time, method, path *without* the query string (a query
can carry a donor's email or a Checkout session id), status, bytes, duration and whether the page
came from the page cache. No client address: the proxy in front keeps those if it must.
"""

import gc
import os
import sys


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    try:
        number = int(value)
    except ValueError:
        sys.exit(f"{name} must be a whole number, not {value!r}.")
    if number < 0:
        sys.exit(f"{name} must not be negative, not {number}.")
    return number


def connection_budget_problem(
    *, workers: int, threads: int, servers: int, max_connections: int, reserved: int
) -> str | None:
    """Why this many threads would exhaust the database's connections, or None if they fit."""
    if workers < 1 or threads < 1 or servers < 1:
        return "WEB_CONCURRENCY, WEB_THREADS and WEB_SERVERS must each be at least 1."
    budget = max_connections - reserved
    wanted = workers * threads * servers
    if wanted <= budget:
        return None
    return (
        f"{workers} workers x {threads} threads x {servers} servers = {wanted} database "
        f"connections, but the database allows {max_connections} and {reserved} are kept for the "
        f"task worker and admin tools (DB_RESERVED_CONNECTIONS), leaving {budget}. Lower "
        "WEB_THREADS or WEB_CONCURRENCY, or raise DB_MAX_CONNECTIONS to match the server's "
        "max_connections."
    )


def uses_server_database(database_url: str) -> bool:
    """SQLite (the default) has no connection limit; a database server has one."""
    return bool(database_url) and not database_url.startswith("sqlite")


bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = _env_int("WEB_CONCURRENCY", 2)
threads = _env_int("WEB_THREADS", 32)
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5

if uses_server_database(os.environ.get("DATABASE_URL", "")):
    problem = connection_budget_problem(
        workers=workers,
        threads=threads,
        servers=_env_int("WEB_SERVERS", 1),
        max_connections=_env_int("DB_MAX_CONNECTIONS", 100),
        reserved=_env_int("DB_RESERVED_CONNECTIONS", 20),
    )
    if problem:
        sys.exit(f"gunicorn_conf: {problem}")

accesslog = "-"
errorlog = "-"
logger_class = "ijm_site.access_log.AccessLogger"  # the same line, without gunicorn's full atoms
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms cache=%({x-cache}o)s'

# Only our own proxies may say the original request was HTTPS: the same TRUSTED_PROXIES as
# Django's (ijm_site/client_address.py), checked by `manage.py check` (ijm_site/checks.py).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")


def post_worker_init(worker) -> None:
    """Set aside, for good, everything the worker loaded before its first request.

    Django, Wagtail and our code leave a few hundred thousand objects behind at start-up that live
    as long as the worker. CPython's full collection walks every one of them each time it runs
    (every few seconds under load), and while it walks, every thread of the worker waits: under
    the campaign-day spike those pauses reached 270 ms, and they were the home page's p99.
    ``gc.freeze()`` moves them to a generation the collector never walks; what requests create
    is collected as before. Garbage left by start-up is collected first, so nothing is frozen
    that could have been freed.
    """
    gc.collect()
    gc.freeze()
