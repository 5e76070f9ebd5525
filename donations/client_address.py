"""The donor's IP address for rate limits, as seen through our TLS proxy.

Behind a proxy every request comes from the proxy's address, so limiting by ``REMOTE_ADDR`` would
make one busy donor block everyone. Each trusted proxy appends the address it received the
request from to ``X-Forwarded-For``; the entry ``TRUSTED_PROXY_HOPS`` from the right is therefore
the one a client cannot forge. With ``TRUSTED_PROXY_HOPS=0`` (no proxy) ``REMOTE_ADDR`` is used.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if hops and len(forwarded) >= hops:
        candidate = forwarded[-hops]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind address
