"""Shared steps of the donor portal's tests: posting the fake Stripe's events, and a donor signed
in through a real sign-in link. The fixtures are in ``tests/portal_fixtures.py``."""

import re

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


def sign_in_url(message) -> str:
    return re.search(r"https?://\S+/monthly-gift/sign-in/\?token=[\w:.\-%]+", message.body).group(0)


def sign_in(browser, email: str) -> None:
    """Sign in the way a donor does: a real link made for this email, its button pressed."""
    from donor_portal.links import make_token

    response = browser.post(PORTAL + "sign-in/", {"token": make_token(email)})
    assert response.status_code == 303 and response["Location"] == MANAGE
