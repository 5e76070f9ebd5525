"""The fake Stripe server works the way browser tests will use it: standalone, posting webhooks."""

import json
import os
import re
import socket
import subprocess
import sys
import urllib.request

import pytest
import requests

from donations.models import Donation
from tests.fake_stripe import FakeStripeServer, parse_stripe_params


def test_params_are_parsed_back_into_nested_dicts_and_lists():
    body = (
        (
            "mode=payment&line_items[0][price_data][currency]=php"
            "&line_items[0][price_data][unit_amount]=150000&line_items[0][quantity]=1"
            "&metadata[donation_id]=7&subscription_data[metadata][donation_id]=7"
        )
        .replace("[", "%5B")
        .replace("]", "%5D")
    )
    assert parse_stripe_params(body) == {
        "mode": "payment",
        "line_items": [{"price_data": {"currency": "php", "unit_amount": "150000"},
                        "quantity": "1"}],
        "metadata": {"donation_id": "7"},
        "subscription_data": {"metadata": {"donation_id": "7"}},
    }  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visiting_the_hosted_checkout_pays_and_posts_signed_webhooks_to_the_site(
    live_server, settings, seeded_site
):
    server = FakeStripeServer(
        webhook_url=f"{live_server.url}/stripe/webhook/", webhook_secret="whsec_live"
    ).start()
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_SECRET_KEY = "sk_test_live"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_live"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_live"
    settings.CSRF_COOKIE_SECURE = False  # the live test server speaks plain HTTP
    try:
        browser = requests.Session()
        page = browser.get(f"{live_server.url}/donate/")
        token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        done = browser.post(
            f"{live_server.url}/donate/",
            data={
                "csrfmiddlewaretoken": csrf, "form_token": token, "currency": "USD",
                "frequency": "monthly", "amount_choice": "2500", "name": "Ben Cruz",
                "email": "ben@example.com",
            },
            headers={"Referer": f"{live_server.url}/donate/"},
        )  # fmt: skip
        # Followed: our 303 → the fake's checkout page → its 303 → our thank-you page.
        assert [r.status_code for r in done.history] == [303, 303]
        assert "Thank you, Ben Cruz!" in done.text
        assert server.fake.delivered == [
            ("checkout.session.completed", 200),
            ("invoice.paid", 200),
        ]
        donation = Donation.objects.get()
        assert donation.status == "paid" and donation.recurring_gift is not None

        renewal = urllib.request.Request(
            f"{server.url}/_fake/renew/{donation.recurring_gift.stripe_subscription_id}",
            method="POST",
        )
        with urllib.request.urlopen(renewal, timeout=5) as response:
            assert json.load(response)["type"] == "invoice.paid"
        assert Donation.objects.filter(status="paid").count() == 2
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_fake_runs_standalone_from_the_command_line():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_stripe", "--port", str(port)],
        cwd=os.path.dirname(os.path.dirname(__file__)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert f"fake Stripe on http://127.0.0.1:{port}" in process.stdout.readline()
        response = requests.post(
            f"http://127.0.0.1:{port}/v1/checkout/sessions",
            data={"mode": "payment", "success_url": "http://x/{CHECKOUT_SESSION_ID}"},
            headers={"Authorization": "Bearer sk_test_x"},
            timeout=5,
        )
        assert response.status_code == 200
        assert response.json()["url"].startswith(f"http://127.0.0.1:{port}/checkout/cs_test_")
        refused = requests.get(f"http://127.0.0.1:{port}/v1/checkout/sessions", timeout=5)
        assert refused.status_code == 401
        state = requests.get(f"http://127.0.0.1:{port}/_fake/state", timeout=5).json()
        assert len(state["sessions"]) == 1
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
        process.stdout.close()


def test_the_fake_answers_a_rate_limit_as_stripe_does():
    """429, code rate_limit and no Stripe-Should-Retry: the library will not retry by itself."""
    server = FakeStripeServer().start()
    try:
        server.fake.fail_next(1, status=429)
        response = requests.get(
            f"{server.url}/v1/checkout/sessions/cs_x",
            headers={"Authorization": "Bearer sk_test_x"},
            timeout=5,
        )
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limit"
        assert "Stripe-Should-Retry" not in response.headers
    finally:
        server.stop()
