"""WAGTAILFRONTENDCACHE from the environment, read by settings.py (kept apart from
ijm_site/frontend_cache.py, which needs Django set up)."""

import os


def configured_frontend_caches(location: str, timeout: float) -> dict:
    """WAGTAILFRONTENDCACHE from the environment (settings.py): Varnish at each address in
    FRONTEND_CACHE_URL (comma-separated), Cloudflare with CLOUDFLARE_ZONE_ID and a token,
    CloudFront with CLOUDFRONT_DISTRIBUTION_ID."""
    backends = {}
    for number, address in enumerate(a.strip() for a in location.split(",") if a.strip()):
        backends[f"varnish{number}"] = {
            "BACKEND": "ijm_site.frontend_cache.VarnishBackend",
            "LOCATION": address,
            "TIMEOUT": timeout,
        }
    if os.environ.get("CLOUDFLARE_ZONE_ID"):
        backends["cloudflare"] = {
            "BACKEND": "ijm_site.frontend_cache.CloudflareSiteBackend",
            "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
            "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN") or None,
            "EMAIL": os.environ.get("CLOUDFLARE_EMAIL") or None,
            "API_KEY": os.environ.get("CLOUDFLARE_API_KEY") or None,
        }
    if os.environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
        backends["cloudfront"] = {
            "BACKEND": "ijm_site.frontend_cache.CloudfrontSiteBackend",
            "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
        }
    return backends
