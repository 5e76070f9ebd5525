"""The one place the `stripe` library is configured: one ``StripeClient`` built from settings.

The library's module globals (``stripe.api_key``, ``stripe.api_base``…) are shared by every
thread of a worker, so setting them before each call races under threaded workers. Instead we
build one ``StripeClient`` holding the key, the pinned API version, the base address
(``STRIPE_API_BASE`` points it at a local fake), the timeout and the retries. The client is safe
to share between threads (its ``RequestsClient`` keeps one ``requests`` session per thread), so it
is built once per process and rebuilt only when a Stripe setting changes (Django's
``setting_changed`` signal, which tests fire when they point it at the fake Stripe).

The API version is pinned to the one the installed library was generated for, so the shapes our
webhook handlers read are the shapes Stripe sends.
"""

import logging
import random
import threading
import time

import stripe
from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger("ijm.payments")

# StripeClient has no option for it: the library reads this one global (once, at import here, not
# per call) before adding our last request's timings to the next request's headers.
stripe.enable_telemetry = False

API_VERSION = stripe.api_version
DEFAULT_API_BASE = stripe.DEFAULT_API_BASE

SETTINGS = frozenset(
    {"STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_TIMEOUT", "STRIPE_MAX_NETWORK_RETRIES"}
)
"""The settings the client is built from: a change to any of them rebuilds it."""

RATE_LIMIT_PAUSES = (0.1, 0.2)
"""Seconds to wait (at most, with jitter) before each new try after Stripe's 429 ``rate_limit``.

Stripe sends no ``Stripe-Should-Retry`` with it, so the library does not retry by itself. Each
refused try also costs Stripe's own answer time (hundreds of milliseconds), so two short pauses
are all a donor who does get through can afford within a couple of seconds; the paced slots
below keep us from asking beyond Stripe's limit in the first place.
"""

CHECKOUT_QUEUE_SECONDS = 0.5
"""How far ahead a donor may be given a slot to ask Stripe for their Checkout Session.

A donor with a slot within this wait is carried through (the wait, Stripe's answer and ours stay
well inside two seconds); one who would wait longer is told at once, form kept, to try again in a
moment.
"""


class CheckoutCeilingReached(Exception):
    """No Checkout Session slot is free within ``CHECKOUT_QUEUE_SECONDS``."""


def checkout_slot_seconds(limit: int) -> float:
    """The spacing of our Checkout Session creations under Stripe's limit of ``limit`` a second.

    Stripe counts over any one second, not per calendar second: 25 at the end of one second and
    25 at the start of the next would be refused, and each refusal costs a donor Stripe's answer
    time and a retry. So creations are spaced evenly, ``limit - 1`` to the second: the one slot of
    margin absorbs the jitter between the moment a slot begins and the moment Stripe counts the
    request, so no one second ever holds more than ``limit``.
    """
    return 1.0 / max(limit - 1, 1)


def take_checkout_slot() -> float | None:
    """When (a ``time.time()``) this request may ask Stripe for a Checkout Session; None when
    every slot within ``CHECKOUT_QUEUE_SECONDS`` is taken.

    The slots are counted where every worker process and app server sees them (Redis, or diskcache
    beside the code): each is one key that ``add`` gives to exactly one request. One read finds
    the free ones among the next few, so a busy moment costs a refused donor two round trips, not
    one per slot. A cache that cannot count lets the donor through at once: Stripe's own 429
    still stands behind it.
    """
    limit = int(getattr(settings, "STRIPE_CHECKOUT_SESSIONS_PER_SECOND", 0) or 0)
    now = time.time()
    if limit <= 0:
        return now
    spacing = checkout_slot_seconds(limit)
    first = int(now / spacing) + 1  # the next slot to begin, so every send starts on a slot
    count = max(1, int(CHECKOUT_QUEUE_SECONDS / spacing))
    keys = {f"stripe-checkout-slot:{limit}:{n}": n for n in range(first, first + count)}
    store = caches[settings.RATELIMIT_USE_CACHE]
    try:
        taken = store.get_many(list(keys))
        for key, n in keys.items():
            if key not in taken and store.add(key, 1, timeout=5):
                return n * spacing
    except Exception:  # noqa: BLE001 - the pace is a courtesy; Stripe enforces the real limit
        logger.warning("the Checkout Session slots could not be counted", exc_info=True)
        return now
    return None


def _wait_for_checkout_slot() -> None:
    send_at = take_checkout_slot()
    if send_at is None:
        raise CheckoutCeilingReached
    pause = send_at - time.time()
    if pause > 0:
        time.sleep(pause)


_client: stripe.StripeClient | None = None
_client_lock = threading.Lock()


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


def _build() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        stripe_version=API_VERSION,
        base_addresses={"api": settings.STRIPE_API_BASE or DEFAULT_API_BASE},
        max_network_retries=int(getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 2)),
        http_client=stripe.RequestsClient(timeout=float(getattr(settings, "STRIPE_TIMEOUT", 10))),
    )


def client() -> stripe.StripeClient:
    """The process's Stripe client, built on first use (under a lock, so threads share one)."""
    global _client
    if not is_configured():
        raise StripeNotConfigured("STRIPE_SECRET_KEY is not set")
    with _client_lock:
        if _client is None:
            _client = _build()
        return _client


@receiver(setting_changed)
def forget_client(*, setting: str, **kwargs) -> None:
    """A Stripe setting changed (tests, mostly): the next call builds a client from the new ones."""
    global _client
    if setting in SETTINGS:
        with _client_lock:
            _client = None


def _pause_before_retry(attempt: int) -> None:
    time.sleep(random.uniform(0.5, 1.0) * RATE_LIMIT_PAUSES[attempt])  # noqa: S311 - jitter


CHECKOUT_LOCALES = {"en": "en", "fil": "fil"}
"""Our languages as Stripe names them (Checkout and the billing portal accept both)."""


def checkout_locale(language: str) -> str:
    """Stripe's ``locale`` for one of our languages; ``auto`` (the browser's) for any other."""
    return CHECKOUT_LOCALES.get(language, "auto")


def is_locale_refused(error: stripe.StripeError) -> bool:
    """Stripe refused the ``locale`` we sent (an ``invalid_request_error`` naming that param)."""
    return isinstance(error, stripe.InvalidRequestError) and error.param == "locale"


def create_checkout_session(params: dict, idempotency_key: str):
    """Create a Checkout Session, trying again briefly while Stripe answers 429 ``rate_limit``.

    Every try carries the same idempotency key, so however many tries it takes, one click opens
    at most one session. Each try waits for its slot (``take_checkout_slot``); when none is free
    within ``CHECKOUT_QUEUE_SECONDS``, ``CheckoutCeilingReached`` is raised before Stripe is
    asked. When the pauses run out the last ``RateLimitError`` is raised.
    """
    sessions = client().v1.checkout.sessions
    options = {"idempotency_key": idempotency_key}
    for attempt in range(len(RATE_LIMIT_PAUSES) + 1):
        if attempt:
            _pause_before_retry(attempt - 1)
        _wait_for_checkout_slot()  # a try Stripe refused counts against its limit too
        try:
            return sessions.create(params=params, options=options)
        except stripe.RateLimitError as error:
            if attempt == len(RATE_LIMIT_PAUSES):
                raise
            logger.info(
                "Stripe rate limit on checkout (try %s) request_id=%s; trying again",
                attempt + 1,
                request_id(error),
            )
    raise AssertionError("unreachable")  # pragma: no cover


def retrieve_checkout_session(session_id: str):
    return client().v1.checkout.sessions.retrieve(session_id)


def list_checkout_sessions(created_since: int):
    """Every Checkout Session created since a Unix time, following Stripe's pagination."""
    return (
        client()
        .v1.checkout.sessions.list(params={"created": {"gte": created_since}, "limit": 100})
        .auto_paging_iter()
    )


def list_refunds(created_since: int):
    """Every refund made since a Unix time, following Stripe's pagination."""
    return (
        client()
        .v1.refunds.list(params={"created": {"gte": created_since}, "limit": 100})
        .auto_paging_iter()
    )


def retrieve_payment_intent(payment_intent_id: str):
    return client().v1.payment_intents.retrieve(payment_intent_id)


def retrieve_subscription(subscription_id: str):
    return client().v1.subscriptions.retrieve(subscription_id)


def list_invoice_payments(invoice_id: str):
    return client().v1.invoice_payments.list(params={"invoice": invoice_id, "limit": 10})


def list_payments_of_payment_intent(payment_intent_id: str):
    """The invoice payments a PaymentIntent made: how a renewal's charge finds its invoice."""
    return client().v1.invoice_payments.list(
        params={
            "payment": {"type": "payment_intent", "payment_intent": payment_intent_id},
            "limit": 10,
        }
    )


def retrieve_invoice(invoice_id: str):
    return client().v1.invoices.retrieve(invoice_id)


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
