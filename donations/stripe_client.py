"""The one place the `stripe` library is configured.

We use the library's module-level configuration, set from Django settings on every call, so
tests (and a local fake Stripe server reached through ``STRIPE_API_BASE``) can change settings
freely. The API version is pinned to the one the installed library was generated for, so the
shapes our webhook handlers read are the shapes Stripe sends.
"""

import logging

import stripe
from django.conf import settings

logger = logging.getLogger("ijm.payments")

API_VERSION = stripe.api_version
DEFAULT_API_BASE = stripe.DEFAULT_API_BASE


_http_client: dict[float, stripe.HTTPClient] = {}
"""The HTTP client we made, by its timeout, so it is only replaced when the timeout changes."""


class StripeNotConfigured(Exception):
    """Online giving is off: the secret key (or webhook secret) is missing."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def missing_settings() -> list[str]:
    return [
        name
        for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")
        if not getattr(settings, name, "")
    ]


def configure() -> None:
    """Point the library at Stripe (or the fake), with our key, version, timeout and retries."""
    if not is_configured():
        raise StripeNotConfigured("STRIPE_SECRET_KEY is not set")
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_version = API_VERSION
    stripe.api_base = settings.STRIPE_API_BASE or DEFAULT_API_BASE
    stripe.max_network_retries = int(getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 2))
    timeout = float(getattr(settings, "STRIPE_TIMEOUT", 10))
    if _http_client.get(timeout) is not stripe.default_http_client:
        _http_client.clear()
        _http_client[timeout] = stripe.default_http_client = stripe.RequestsClient(timeout=timeout)
    stripe.enable_telemetry = False


def create_checkout_session(params: dict, idempotency_key: str):
    configure()
    return stripe.checkout.Session.create(idempotency_key=idempotency_key, **params)


def retrieve_checkout_session(session_id: str):
    configure()
    return stripe.checkout.Session.retrieve(session_id)


def list_checkout_sessions(created_since: int):
    """Every Checkout Session created since a Unix time, following Stripe's pagination."""
    configure()
    return stripe.checkout.Session.list(
        created={"gte": created_since}, limit=100
    ).auto_paging_iter()


def retrieve_payment_intent(payment_intent_id: str):
    configure()
    return stripe.PaymentIntent.retrieve(payment_intent_id)


def list_invoice_payments(invoice_id: str):
    configure()
    return stripe.InvoicePayment.list(invoice=invoice_id, limit=10)


def construct_event(payload: bytes, signature: str):
    """Verify the signature on the raw body and parse it (raises ValueError/SignatureError)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise StripeNotConfigured("STRIPE_WEBHOOK_SECRET is not set")
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)


def request_id(obj_or_error) -> str:
    """Stripe's request id (``req_…``) for a response or an error, for the payments log."""
    if isinstance(obj_or_error, stripe.StripeError):
        return obj_or_error.request_id or ""
    last = getattr(obj_or_error, "last_response", None)
    return getattr(last, "request_id", "") or ""
