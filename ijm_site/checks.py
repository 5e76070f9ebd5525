"""System checks that stop a start whose proxy settings contradict each other.

`make serve` runs `migrate` before gunicorn, and `migrate` runs these checks, so a production
start with contradicting settings stops there with the reason instead of serving with the wrong
idea of who the client is.
"""

import runpy
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from ijm_site.client_address import parse_trusted_proxies

GUNICORN_CONF = Path(__file__).with_name("gunicorn_conf.py")


def _networks(entries) -> set:
    return set(parse_trusted_proxies([e for e in entries if e.strip()]))


@checks.register(checks.Tags.security)
def check_proxy_trust(app_configs=None, **kwargs):
    errors = []
    try:
        trusted = _networks(settings.TRUSTED_PROXIES)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="ijm_site.E001")]
    if getattr(settings, "TRUSTED_PROXY_HOPS", None) is not None:
        errors.append(
            checks.Error(
                "TRUSTED_PROXY_HOPS is no longer read.",
                hint="List your proxies in TRUSTED_PROXIES and remove TRUSTED_PROXY_HOPS.",
                id="ijm_site.E002",
            )
        )
    gunicorn_allows = runpy.run_path(str(GUNICORN_CONF)).get("forwarded_allow_ips", "")
    if isinstance(gunicorn_allows, str):
        gunicorn_allows = gunicorn_allows.split(",")
    if "*" in [entry.strip() for entry in gunicorn_allows]:
        errors.append(
            checks.Error(
                "gunicorn trusts X-Forwarded-Proto from any address (forwarded_allow_ips='*').",
                hint="Let ijm_site/gunicorn_conf.py read TRUSTED_PROXIES.",
                id="ijm_site.E003",
            )
        )
    else:
        try:
            gunicorn_networks = _networks(gunicorn_allows)
        except ImproperlyConfigured:
            gunicorn_networks = None
        if gunicorn_networks != trusted:
            errors.append(
                checks.Error(
                    "gunicorn's forwarded_allow_ips and TRUSTED_PROXIES name different proxies.",
                    hint="Let ijm_site/gunicorn_conf.py read TRUSTED_PROXIES, as it does in git.",
                    id="ijm_site.E004",
                )
            )
    if settings.USE_X_FORWARDED_HOST and not trusted:
        errors.append(
            checks.Error(
                "USE_X_FORWARDED_HOST is on but TRUSTED_PROXIES is empty.",
                hint="With no proxy in front, turn USE_X_FORWARDED_HOST off.",
                id="ijm_site.E005",
            )
        )
    return errors
