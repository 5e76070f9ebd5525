"""Shared steps of the donor portal's tests: a real monthly gift through the donate form and
the fake Stripe, and a donor signed in through a real sign-in link."""

import re

import pytest

from donations.models import RecurringGift
from tests.test_donations_checkout import DONATE_URL, _gift

PORTAL = "/monthly-gift/"
MANAGE = "/monthly-gift/manage/"


def deliver_events(fake, post_event) -> list[int]:
    """Post every event the fake Stripe queued to our webhook, signed; returns the statuses.

    Emails the webhook queues after its commit are sent too (the test's transaction never
    commits, so its on-commit callbacks are run here).
    """
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return [post_event(evt).status_code for evt in fake.take_events()]


@pytest.fixture
def monthly_gift(client, fake_stripe, donate_page, post_event):
    """Start a monthly gift through the donate form and pay it at the fake Stripe."""

    def start(email="maria@example.com", amount_choice="2500", currency="USD") -> RecurringGift:
        data = _gift(
            client, currency=currency, frequency="monthly", amount_choice=amount_choice,
            email=email,
        )  # fmt: skip
        response = client.post(DONATE_URL, data)
        assert response.status_code == 303
        session_id = response["Location"].rsplit("/", 1)[-1]
        fake_stripe.complete_session(session_id)
        assert set(deliver_events(fake_stripe, post_event)) == {200}
        return RecurringGift.objects.get(
            stripe_subscription_id=fake_stripe.sessions[session_id]["subscription"]
        )

    return start


def sign_in_url(message) -> str:
    return re.search(r"https?://\S+/monthly-gift/sign-in/\?token=[\w:.\-%]+", message.body).group(0)


def sign_in(browser, email: str) -> None:
    """Sign in the way a donor does: a real link made for this email, its button pressed."""
    from donor_portal.links import make_token

    response = browser.post(PORTAL + "sign-in/", {"token": make_token(email)})
    assert response.status_code == 303 and response["Location"] == MANAGE
