"""Who is the client: only our proxies may say, and contradicting proxy settings stop a start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from ijm_site.client_address import UNKNOWN_ADDRESS, client_ip, parse_trusted_proxies
from tests.test_donations_checkout import DONATE_URL, _gift

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # Not from a trusted proxy: the connection is the client and the header is ignored.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # Through the local proxy: the address it appended.
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        # A proxy that passes the client's own header on: only the right-most untrusted counts.
        ("127.0.0.1", "10.9.9.9, 1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two trusted proxies (a load balancer in 10.0.0.0/8, then loopback) are walked past.
        ("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.5", "198.51.100.7"),
        # IPv6 and an IPv4 client seen through an IPv6 socket.
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("::ffff:203.0.113.4", "198.51.100.1", "203.0.113.4"),
        # A trusted proxy with no header, or garbage where the client's address should be.
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("", "198.51.100.1", UNKNOWN_ADDRESS),
    ],
)
def test_the_client_is_the_right_most_address_that_is_not_our_proxy(
    rf, settings, peer, forwarded, client
):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]
    request = rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client


def test_by_default_only_a_proxy_on_loopback_is_trusted(rf):
    lan_proxy = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(lan_proxy) == "10.0.0.5"


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_from_a_stranger_does_not_escape_the_donate_limit(
    client, fake_stripe, donate_page
):
    statuses = [
        client.post(
            DONATE_URL,
            _gift(client, email=f"s{n}@example.com"),
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(6)
    ]
    assert statuses == [303] * 5 + [429]


@pytest.mark.django_db
def test_rotating_the_header_through_a_proxy_that_passes_it_on_does_not_help(
    client, fake_stripe, donate_page
):
    statuses = [
        client.post(
            DONATE_URL,
            _gift(client, email=f"r{n}@example.com"),
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9",
        ).status_code
        for n in range(6)
    ]
    assert statuses == [303] * 5 + [429]


@pytest.mark.django_db
def test_a_stranger_cannot_claim_https_or_another_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.USE_X_FORWARDED_HOST = True
    headers = {"x-forwarded-proto": "https", "x-forwarded-host": "evil.example"}
    stranger = client.get("/robots.txt", headers=headers, REMOTE_ADDR="203.0.113.9")
    assert stranger.status_code == 301
    assert stranger["Location"] == "https://testserver/robots.txt"
    proxied = client.get("/robots.txt", headers={"x-forwarded-proto": "https"})
    assert proxied.status_code == 200


def test_a_malformed_proxy_address_is_named():
    with pytest.raises(ImproperlyConfigured, match="10.0.0.0/33"):
        parse_trusted_proxies(["127.0.0.1", "10.0.0.0/33"])


def _start(**env_overrides) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "TRUSTED_PROXIES", "TRUSTED_PROXY_HOPS"}
    }
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="www.ijm.org.ph")
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_starts_with_only_a_secret_key_and_allowed_hosts():
    result = _start()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TRUSTED_PROXY_HOPS": "1"}, "TRUSTED_PROXY_HOPS is no longer read"),
        ({"TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/33"}, "'10.0.0.0/33'"),
        ({"TRUSTED_PROXIES": "", "USE_X_FORWARDED_HOST": "1"}, "USE_X_FORWARDED_HOST"),
    ],
)
def test_contradicting_proxy_settings_refuse_to_start(overrides, message):
    result = _start(**overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_gunicorn_trusting_other_proxies_than_django_is_an_error(settings, tmp_path, monkeypatch):
    from ijm_site import checks

    conf = tmp_path / "gunicorn_conf.py"
    conf.write_text('forwarded_allow_ips = "127.0.0.1,10.0.0.0/8"\n')
    monkeypatch.setattr(checks, "GUNICORN_CONF", conf)
    assert [e.id for e in run_checks() if e.id.startswith("ijm_site")] == ["ijm_site.E004"]
    conf.write_text('forwarded_allow_ips = "*"\n')
    assert [e.id for e in run_checks() if e.id.startswith("ijm_site")] == ["ijm_site.E003"]
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    conf.write_text('forwarded_allow_ips = "10.0.0.0/8, 127.0.0.1"\n')
    assert [e.id for e in run_checks() if e.id.startswith("ijm_site")] == []
