"""The one Stripe client: built from settings, shared by threads, rebuilt when settings change."""

import threading

import pytest
import stripe

from donations import stripe_client


def test_calls_carry_our_key_and_pinned_version_to_the_configured_base(fake_stripe):
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.retrieve_checkout_session("cs_test_missing")
    (call,) = fake_stripe.calls("GET", "/v1/checkout/sessions/cs_test_missing")
    assert call.authorization == "Bearer sk_test_fake"
    assert call.stripe_version == stripe_client.API_VERSION


def test_the_librarys_module_globals_are_never_rewritten(fake_stripe):
    before = (stripe.api_key, stripe.api_base, stripe.default_http_client)
    stripe_client.list_checkout_sessions(0)
    list(stripe_client.list_checkout_sessions(0))
    assert (stripe.api_key, stripe.api_base, stripe.default_http_client) == before


def test_one_client_is_shared_by_every_thread(fake_stripe):
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(stripe_client.client())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 1


def test_a_settings_change_rebuilds_the_client(fake_stripe, settings):
    from tests.fake_stripe import FakeStripeServer

    first = stripe_client.client()
    other = FakeStripeServer().start()
    try:
        settings.STRIPE_API_BASE = other.url
        assert stripe_client.client() is not first
        with pytest.raises(stripe.InvalidRequestError):
            stripe_client.retrieve_checkout_session("cs_test_elsewhere")
        assert other.fake.calls("GET", "/v1/checkout/sessions/cs_test_elsewhere")
        assert not fake_stripe.calls("GET", "/v1/checkout/sessions/cs_test_elsewhere")
    finally:
        other.stop()


def test_without_a_secret_key_it_says_giving_is_off(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(stripe_client.StripeNotConfigured):
        stripe_client.client()
