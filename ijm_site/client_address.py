"""Who is the client? The visitor's address for rate limits and login lockouts, behind a proxy.

Trust is explicit: ``TRUSTED_PROXIES`` lists the addresses and networks of our own proxies (by
default only loopback, where `make serve`'s TLS proxy runs). A request that does not come from
one of them is answered by its own ``REMOTE_ADDR`` and its ``X-Forwarded-For`` is ignored, since
anyone can send that header. A request from a trusted proxy is traced back through the header
from the right, skipping every trusted proxy: the first address that is not ours is the client.
Everything to the left of it was written by the client or its own proxies and cannot be believed,
so rotating a forged ``X-Forwarded-For`` changes nothing.

Counting a fixed number of hops (the old ``TRUSTED_PROXY_HOPS``) fails both ways: one proxy too
few and every visitor shares the proxy's address; a proxy that passes the client's own header on
and the client picks its address.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a rate-limit key, not a bind address


def parse_trusted_proxies(entries) -> tuple[Network, ...]:
    """Turn addresses and CIDRs into networks, or say exactly which entry is wrong."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=True))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES has {entry!r}, which is not an IP address or network: {error}"
            ) from error
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_trusted_proxies(entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _address(text: str):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client reached over an IPv6 socket is the same client.
    return getattr(address, "ipv4_mapped", None) or address


def is_trusted_proxy(address, networks) -> bool:
    return any(address in network for network in networks if address.version == network.version)


def client_ip(request) -> str:
    """The right-most address that is not one of our proxies; see the module docstring."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return UNKNOWN_ADDRESS
    networks = trusted_networks()
    if not is_trusted_proxy(peer, networks):
        return str(peer)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Garbage where an address should be: the chain cannot be followed past it, so the
            # last proxy we trust is the best we know.
            return str(peer)
        if not is_trusted_proxy(address, networks):
            return str(address)
        peer = address
    return str(peer)


FORWARDING_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
)


class ProxyHeadersMiddleware:
    """Forget forwarding headers that did not come from one of our proxies.

    Django believes ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``) and ``X-Forwarded-Host``
    (``USE_X_FORWARDED_HOST``) from anyone who sends them; dropping them here, first in the
    chain, makes every later reader (HTTPS redirect, host, page cache key, client address) trust
    only ``TRUSTED_PROXIES``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        peer = _address(request.META.get("REMOTE_ADDR", ""))
        if peer is None or not is_trusted_proxy(peer, trusted_networks()):
            for header in FORWARDING_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
