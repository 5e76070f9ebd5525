"""The donor portal's fixtures, loaded with ``pytest_plugins = ["tests.portal_fixtures"]``."""

import pytest

from donations.models import RecurringGift
from tests.portal_steps import deliver_events
from tests.test_donations_checkout import DONATE_URL, _gift


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
