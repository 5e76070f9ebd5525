"""Production security settings: check --deploy, HTTPS behind the proxy, CSP, login lockout."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db


def test_check_deploy_reports_no_issues_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT"}
    }
    # Production with several workers shares Redis; nothing connects to it during the checks.
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="www.ijm.org.ph",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only django-ratelimit's "not officially supported" note about Django's RedisCache is off.
    assert "System check identified no issues (1 silenced)." in result.stdout


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_and_the_proxy_header_is_trusted(client, seeded_site):
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
    assert client.get("/", headers={"x-forwarded-proto": "https"}).status_code == 200


def test_the_admin_gets_its_own_policy_that_still_forbids_framing_by_other_sites(client):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy
    public = client.get("/robots.txt")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in public and "unsafe-inline" not in public


@override_settings(STRIPE_API_BASE="http://127.0.0.1:12111")
def test_forms_may_only_post_to_the_site_and_stripe_checkout(client):
    policy = client.get("/robots.txt")["Content-Security-Policy"]
    form_action = next(d for d in policy.split("; ") if d.startswith("form-action"))
    assert form_action == "form-action 'self' https://checkout.stripe.com"


def test_repeated_failed_admin_logins_lock_the_account_out(client, settings):
    User.objects.create_superuser("editor", "editor@example.org", "the-right-password-1")
    first = client.post("/admin/login/", {"username": "editor", "password": "a-wrong-guess"})
    assert first.status_code == 200  # the form again, with an error
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/", {"username": "editor", "password": "a-wrong-guess"})
    locked = client.post(
        "/admin/login/", {"username": "editor", "password": "the-right-password-1"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def _login(client, username, password, address):
    """A sign-in through the local proxy, which reports the visitor's address."""
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        headers={"x-forwarded-for": address},
    )


def _signed_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("editor", "editor@example.org", "the-right-password-1")


def test_a_lockout_behind_the_proxy_is_for_the_attackers_address_only(client, settings, staff):
    assert _signed_in(_login(Client(), "editor", "the-right-password-1", "198.51.100.7"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "editor", "guess", "203.0.113.9")
    assert _login(client, "editor", "the-right-password-1", "203.0.113.9").status_code == 429
    assert _signed_in(_login(Client(), "editor", "the-right-password-1", "198.51.100.7"))


def test_password_spraying_from_one_address_is_stopped_whatever_the_usernames(
    client, settings, staff
):
    statuses = [
        _login(client, f"user{n}", "Summer2026!", "203.0.113.9").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form, with an error
    assert _login(client, "editor", "the-right-password-1", "203.0.113.9").status_code == 429


def test_slow_guessing_of_one_username_from_many_addresses_is_stopped(client, settings, staff):
    statuses = [
        _login(Client(), "editor", f"guess-{n}", f"203.0.113.{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    # A fresh address, even with the right password: this username is locked for strangers.
    assert _login(Client(), "editor", "the-right-password-1", "203.0.113.200").status_code == 429


def test_a_stranger_rotating_addresses_cannot_lock_staff_out_of_where_they_sign_in(
    client, settings, staff
):
    assert _signed_in(_login(Client(), "editor", "the-right-password-1", "198.51.100.7"))
    for n in range(settings.AXES_FAILURE_LIMIT * 4):
        _login(Client(), "editor", "guess", f"203.0.113.{n}")
    assert _signed_in(_login(Client(), "editor", "the-right-password-1", "198.51.100.7"))


def test_staff_who_mistype_at_their_own_address_are_still_locked_after_the_limit(
    client, settings, staff
):
    """The spared address is not a free pass: guesses from there count for that pair."""
    assert _signed_in(_login(Client(), "editor", "the-right-password-1", "198.51.100.7"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "editor", "guess", "198.51.100.7")
    assert _login(client, "editor", "the-right-password-1", "198.51.100.7").status_code == 429


def test_the_admin_does_not_send_staff_emails_to_gravatar(client):
    staff = User.objects.create_superuser("editor", "editor@example.org", "the-right-password-1")
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "gravatar" not in response.content.decode()
