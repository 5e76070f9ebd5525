"""gunicorn settings for `make serve`: the production server behind a TLS proxy.

The access log has one line per request: time, method, path *without* the query string (a query
can carry a donor's email or a Checkout session id), status, bytes, duration and whether the page
came from the page cache. No client address: the proxy in front keeps those if it must.
"""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5

accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms cache=%({x-cache}o)s'

# Only our own proxies may say the original request was HTTPS: the same TRUSTED_PROXIES as
# Django's (ijm_site/client_address.py), checked by `manage.py check` (ijm_site/checks.py).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
