"""A small fake of the Stripe API, served over real HTTP on 127.0.0.1.

The site's code talks to it through the real ``stripe`` library (``STRIPE_API_BASE`` points
here), so tests check what Stripe would actually receive: paths, form-encoded params (nested
``line_items[0][price_data][…]``, ``metadata[…]``, ``subscription_data[metadata][…]``), the
``Idempotency-Key`` and ``Stripe-Version`` headers. Nothing reaches the internet.

What it implements (only what the site uses):

- ``POST /v1/checkout/sessions``: creates a session; honours ``Idempotency-Key`` like Stripe
  (same key + same params → the same response again; same key + other params → 400).
- ``GET /v1/checkout/sessions/{id}`` and ``GET /v1/checkout/sessions`` (``created[gte]``,
  ``limit``, ``starting_after``), newest first, as Stripe lists them.
- ``GET /v1/payment_intents/{id}``, ``GET /v1/invoices/{id}``, ``GET /v1/subscriptions/{id}``
  and ``GET /v1/invoice_payments?invoice=…`` (or ``payment[payment_intent]=…``).
- ``GET|POST /checkout/{id}``: the "hosted checkout page". Visiting it pays: the session becomes
  ``complete``/``paid`` (with a PaymentIntent, or a subscription and its first invoice), the
  matching events are queued (and delivered, signed, when a webhook URL is set), and the browser
  is sent on to the session's ``success_url``. ``/checkout/{id}/cancel`` goes to ``cancel_url``.

Failures on demand: ``fake.fail_next(count, status=500)`` or ``fake.fail_next(count,
delay=seconds)`` (slower than the client's timeout → a timeout). ``status=429`` answers as Stripe's
rate limiter does: code ``rate_limit`` and no ``Stripe-Should-Retry`` header.
``fake.on_request`` holds callables run (method, path) as each API request is answered.

Stripe's pace, for load tests: ``latency`` (seconds every API call takes, as Stripe's own take
hundreds of milliseconds), ``checkout_rate_limit`` (Checkout Sessions created per second; beyond
it ``429`` with code ``rate_limit`` and no ``Stripe-Should-Retry``, as Stripe answers, which the
library does not retry by itself), and ``fake.hold_api_calls()``, which keeps every API call
waiting inside the fake until the event it returns is set (a latency without a clock, for
ordering tests).

In pytest, use the ``fake_stripe`` fixture (tests/conftest.py); it starts the server on a free
port and points ``settings.STRIPE_API_BASE`` and the keys at it. Then
``fake.requests`` holds every request, ``fake.take_events()`` the events to post to the webhook.

Standalone, for browser tests against ``make serve`` in another process::

    python -m tests.fake_stripe --port 12111 \\
        --webhook-url http://127.0.0.1:8000/stripe/webhook/ --webhook-secret whsec_test_local

    STRIPE_API_BASE=http://127.0.0.1:12111 STRIPE_SECRET_KEY=sk_test_local \\
    STRIPE_PUBLISHABLE_KEY=pk_test_local STRIPE_WEBHOOK_SECRET=whsec_test_local make serve

A donor who submits the donate form is sent to ``http://127.0.0.1:12111/checkout/cs_test_…``;
that page completes the payment, posts ``checkout.session.completed`` (and ``invoice.paid`` for a
monthly gift) to the webhook URL, and redirects to the site's thank-you page. ``GET /_fake/state``
shows what the fake holds; ``POST /_fake/renew/{subscription id}`` pays the next month and
``POST /_fake/refund/{payment intent id}`` refunds in full, each delivering its event.

For the donor portal: ``POST /v1/subscriptions/{id}`` (a new amount through
``items[0][price_data]``, ``pause_collection`` with ``resumes_at``, ``""`` to resume),
``DELETE /v1/subscriptions/{id}`` (cancel), ``POST /v1/billing_portal/sessions`` (only
``flow_data[type]=payment_method_update``; its page ``/billing_portal/{id}`` returns to
``return_url``), each emitting the event Stripe would. ``POST /_fake/fail/{subscription id}``
fails the next month's invoice, ``/_fake/retry/{invoice id}`` fails it again (Stripe's retry)
and ``/_fake/recover/{invoice id}`` pays it.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import itertools
import json
import re
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"


# Stripe's wire formats -----------------------------------------------------------------------


def parse_stripe_params(body: str) -> dict:
    """``a[b][0][c]=v`` form encoding (what stripe-python sends) back into nested dicts/lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(value):
        if isinstance(value, dict):
            value = {k: listify(v) for k, v in value.items()}
            if value and all(k.isdigit() for k in value):
                return [value[k] for k in sorted(value, key=int)]
        return value

    return listify(root)


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send: ``t=…,v1=HMAC-SHA256(t.payload)``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


_counter = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{next(_counter):06d}{secrets.token_hex(6)}"


def event(type_: str, obj: dict, *, request_id: str | None = None, created: int | None = None):
    """A v1 event envelope as API version ``2026-10-28.endive`` sends it."""
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": created or int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": request_id, "idempotency_key": None},
        "type": type_,
    }


def invoice_object(
    *,
    subscription: str,
    customer: str,
    amount: int,
    currency: str,
    billing_reason: str,
    metadata: dict,
    status: str = "paid",
    invoice_id: str | None = None,
    include_payments: str | None = None,
) -> dict:
    now = int(time.time())
    paid = status == "paid"
    invoice = {
        "id": invoice_id or new_id("in"),
        "object": "invoice",
        "account_country": "PH",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount,
        "attempt_count": 1,
        "attempted": True,
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": now,
        "currency": currency.lower(),
        "customer": customer,
        "customer_email": None,
        "livemode": False,
        "metadata": {},
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": dict(metadata), "subscription": subscription},
        },
        "period_end": now,
        "period_start": now,
        "status": status,
        "status_transitions": {
            "finalized_at": now,
            "marked_uncollectible_at": None,
            "paid_at": now if paid else None,
            "voided_at": None,
        },
        "subtotal": amount,
        "total": amount,
    }
    if include_payments:
        invoice["payments"] = {
            "object": "list",
            "data": [invoice_payment_object(invoice, include_payments)],
            "has_more": False,
            "url": "/v1/invoice_payments",
        }
    return invoice


def invoice_payment_object(invoice: dict, payment_intent: str) -> dict:
    return {
        "id": new_id("inpay"),
        "object": "invoice_payment",
        "amount_paid": invoice["amount_paid"],
        "amount_requested": invoice["amount_due"],
        "created": invoice["created"],
        "currency": invoice["currency"],
        "invoice": invoice["id"],
        "is_default": True,
        "livemode": False,
        "payment": {"type": "payment_intent", "payment_intent": payment_intent},
        "status": "paid",
        "status_transitions": {"canceled_at": None, "paid_at": invoice["created"]},
    }


def payment_intent_object(amount: int, currency: str, customer: str | None, metadata: dict):
    return {
        "id": new_id("pi"),
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount,
        "currency": currency.lower(),
        "customer": customer,
        "latest_charge": new_id("ch"),
        "livemode": False,
        "metadata": dict(metadata),
        "status": "succeeded",
    }


def charge_object(
    payment_intent: dict, *, amount_refunded: int = 0, customer: str | None = None
) -> dict:
    amount = payment_intent["amount"]
    return {
        "id": payment_intent.get("latest_charge") or new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount_refunded,
        "captured": True,
        "created": int(time.time()),
        "currency": payment_intent["currency"],
        "customer": customer or payment_intent.get("customer"),
        "livemode": False,
        "metadata": {},
        "paid": True,
        "payment_intent": payment_intent["id"],
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
    }


def dispute_object(payment_intent: dict, status: str = "needs_response") -> dict:
    return {
        "id": new_id("dp"),
        "object": "dispute",
        "amount": payment_intent["amount"],
        "charge": payment_intent.get("latest_charge") or new_id("ch"),
        "created": int(time.time()),
        "currency": payment_intent["currency"],
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": payment_intent["id"],
        "reason": "fraudulent",
        "status": status,
    }


def subscription_object(
    subscription_id: str,
    customer: str,
    status: str,
    metadata: dict,
    *,
    amount: int | None = None,
    currency: str = "php",
    item_id: str | None = None,
    product: str | None = None,
    pause_collection: dict | None = None,
    current_period_end: int | None = None,
    cancellation_details: dict | None = None,
):
    """A subscription as ``2026-10-28.endive`` shows it: with ``amount``, one item whose price
    carries it (the period's end lives on the item), and ``pause_collection`` when paused."""
    now = int(time.time())
    items = []
    if amount is not None:
        items.append(
            {
                "id": item_id or new_id("si"),
                "object": "subscription_item",
                "current_period_end": current_period_end or now + 30 * 86400,
                "current_period_start": now,
                "price": {
                    "id": new_id("price"),
                    "object": "price",
                    "currency": currency.lower(),
                    "product": product or new_id("prod"),
                    "recurring": {"interval": "month", "interval_count": 1},
                    "type": "recurring",
                    "unit_amount": amount,
                },
                "quantity": 1,
                "subscription": subscription_id,
            }
        )
    return {
        "id": subscription_id,
        "object": "subscription",
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": now if status == "canceled" else None,
        "cancellation_details": cancellation_details
        or {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "created": now,
        "currency": currency.lower(),
        "customer": customer,
        "ended_at": now if status == "canceled" else None,
        "items": {"object": "list", "data": items, "has_more": False},
        "livemode": False,
        "metadata": dict(metadata),
        "pause_collection": pause_collection,
        "status": status,
    }


# The server ----------------------------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    stripe_version: str | None
    authorization: str | None


@dataclass
class _Failure:
    status: int = 500
    delay: float = 0.0


@dataclass
class FakeStripe:
    """State and behaviour of the fake; :class:`FakeStripeServer` serves it over HTTP."""

    base_url: str = ""
    webhook_url: str | None = None
    webhook_secret: str | None = None
    requests: list[Recorded] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    payment_intents: dict[str, dict] = field(default_factory=dict)
    invoice_payments: dict[str, list] = field(default_factory=dict)
    invoices: dict[str, dict] = field(default_factory=dict)
    refunds: list[dict] = field(default_factory=list)
    subscriptions: dict[str, dict] = field(default_factory=dict)
    portal_sessions: dict[str, dict] = field(default_factory=dict)
    on_request: list = field(default_factory=list)
    outbox: list[dict] = field(default_factory=list)
    delivered: list[tuple[str, int]] = field(default_factory=list)
    _idempotent: dict[str, tuple[dict, int, dict]] = field(default_factory=dict)
    _idempotent_path: dict[str, str] = field(default_factory=dict)
    _failures: list[_Failure] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    latency: float = 0.0
    checkout_rate_limit: int | None = None
    rate_limited: int = 0
    _created_at: deque = field(default_factory=deque)
    _release: threading.Event | None = None
    refused_locales: set[str] = field(default_factory=set)
    """Locales the fake refuses, as Stripe refuses one it does not offer (see ``refuse_locale``)."""

    # Test controls -----------------------------------------------------------------------------

    def fail_next(self, count: int = 1, *, status: int = 500, delay: float = 0.0) -> None:
        with self._lock:
            self._failures.extend(_Failure(status, delay) for _ in range(count))

    def refuse_locale(self, locale: str) -> None:
        """Refuse Checkout and billing portal sessions asking for ``locale``: 400
        ``invalid_request_error`` with ``param: "locale"``, as Stripe answers a locale it lacks."""
        with self._lock:
            self.refused_locales.add(locale)

    def locales_received(self, path_prefix: str = "/v1/checkout/sessions") -> list[str | None]:
        """The ``locale`` of every session creation asked for, refused ones included, in order."""
        return [r.params.get("locale") for r in self.calls("POST", path_prefix)]

    def _check_locale(self, params: dict) -> None:
        locale = params.get("locale")
        if locale is not None and locale in self.refused_locales:
            raise FakeStripeError(
                400,
                f"Invalid locale: {locale}. It must be one of the locales Stripe supports.",
                param="locale",
            )

    def hold_api_calls(self) -> threading.Event:
        """Keep API calls waiting inside the fake until the returned event is set."""
        self._release = threading.Event()
        return self._release

    def take_rate_limit_slot(self) -> bool:
        """False when one more Checkout Session would pass ``checkout_rate_limit`` this second."""
        if not self.checkout_rate_limit:
            return True
        with self._lock:
            now = time.monotonic()
            while self._created_at and now - self._created_at[0] >= 1.0:
                self._created_at.popleft()
            if len(self._created_at) >= self.checkout_rate_limit:
                self.rate_limited += 1
                return False
            self._created_at.append(now)
            return True

    def take_events(self) -> list[dict]:
        with self._lock:
            events, self.outbox = self.outbox, []
            return events

    def calls(self, method: str, path_prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def _emit(self, evt: dict) -> dict:
        with self._lock:
            self.outbox.append(evt)
        if self.webhook_url and self.webhook_secret:
            self.deliver(evt)
        return evt

    def deliver(self, evt: dict) -> int:
        payload = json.dumps(evt)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": sign(payload, self.webhook_secret),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        self.delivered.append((evt["type"], status))
        return status

    # Stripe behaviour --------------------------------------------------------------------------

    def create_session(self, params: dict) -> dict:
        self._check_locale(params)
        items = params.get("line_items") or []
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in items
        )
        currency = (items[0]["price_data"]["currency"] if items else "usd").lower()
        session_id = new_id("cs")
        now = int(time.time())
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_details": None,
            "customer_email": params.get("customer_email"),
            "expires_at": now + 86400,
            "invoice": None,
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": params.get("metadata") or {},
            "mode": params.get("mode", "payment"),
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "submit_type": params.get("submit_type"),
            "subscription": None,
            "success_url": params.get("success_url"),
            "ui_mode": "hosted",
            "url": f"{self.base_url}/checkout/{session_id}",
            "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata") or {},
            "_payment_intent_metadata": (params.get("payment_intent_data") or {}).get("metadata")
            or {},
        }
        with self._lock:
            self.sessions[session_id] = session
        return session

    def complete_session(self, session_id: str, *, name: str = "Test Donor") -> list[dict]:
        """Pay a session as a donor would; returns (and queues/delivers) its events."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] == "complete":
                return []
            customer = new_id("cus")
            session.update(
                status="complete",
                payment_status="paid",
                customer=customer,
                url=None,
                customer_details={
                    "email": session["customer_email"],
                    "name": name,
                    "address": None,
                    "phone": None,
                    "tax_exempt": "none",
                    "tax_ids": [],
                },
            )
            events = []
            if session["mode"] == "subscription":
                subscription_id = new_id("sub")
                metadata = session["_subscription_metadata"]
                self.subscriptions[subscription_id] = {
                    "customer": customer,
                    "amount": session["amount_total"],
                    "currency": session["currency"],
                    "metadata": metadata,
                    "status": "active",
                }
                intent = payment_intent_object(
                    session["amount_total"], session["currency"], customer, {}
                )
                self.payment_intents[intent["id"]] = intent
                invoice = invoice_object(
                    subscription=subscription_id,
                    customer=customer,
                    amount=session["amount_total"],
                    currency=session["currency"],
                    billing_reason="subscription_create",
                    metadata=metadata,
                )
                self.invoice_payments[invoice["id"]] = [
                    invoice_payment_object(invoice, intent["id"])
                ]
                self.invoices[invoice["id"]] = invoice
                session.update(subscription=subscription_id, invoice=invoice["id"])
                events.append(event("checkout.session.completed", self.public(session)))
                events.append(event("invoice.paid", invoice))
            else:
                intent = payment_intent_object(
                    session["amount_total"],
                    session["currency"],
                    customer,
                    session["_payment_intent_metadata"],
                )
                self.payment_intents[intent["id"]] = intent
                session["payment_intent"] = intent["id"]
                events.append(event("checkout.session.completed", self.public(session)))
        return [self._emit(e) for e in events]

    def renew(self, subscription_id: str, *, paid: bool = True) -> dict:
        """The next month's invoice of a subscription: ``invoice.paid`` or ``payment_failed``."""
        with self._lock:
            sub = self.subscriptions[subscription_id]
            invoice = invoice_object(
                subscription=subscription_id,
                customer=sub["customer"],
                amount=sub["amount"],
                currency=sub["currency"],
                billing_reason="subscription_cycle",
                metadata=sub["metadata"],
                status="paid" if paid else "open",
            )
            if paid:
                intent = payment_intent_object(sub["amount"], sub["currency"], sub["customer"], {})
                self.payment_intents[intent["id"]] = intent
                self.invoice_payments[invoice["id"]] = [
                    invoice_payment_object(invoice, intent["id"])
                ]
            self.invoices[invoice["id"]] = invoice
        return self._emit(event("invoice.paid" if paid else "invoice.payment_failed", invoice))

    def set_subscription_status(self, subscription_id: str, status: str) -> dict:
        """The donor (or Stripe) changed a subscription: ``…updated``, or ``…deleted`` if ended."""
        with self._lock:
            sub = self.subscriptions[subscription_id]
            sub["status"] = status
            obj = self.subscription(subscription_id)
        kind = "deleted" if status == "canceled" else "updated"
        return self._emit(event(f"customer.subscription.{kind}", obj))

    def subscription(self, subscription_id: str) -> dict:
        sub = self.subscriptions[subscription_id]
        sub.setdefault("item_id", new_id("si"))
        sub.setdefault("product", new_id("prod"))
        sub.setdefault("current_period_end", int(time.time()) + 30 * 86400)
        return subscription_object(
            subscription_id,
            sub["customer"],
            sub.get("status", "active"),
            sub["metadata"],
            amount=sub.get("amount"),
            currency=sub.get("currency") or "php",
            item_id=sub["item_id"],
            product=sub["product"],
            pause_collection=sub.get("pause_collection"),
            current_period_end=sub["current_period_end"],
            cancellation_details=sub.get("cancellation_details"),
        )

    def update_subscription(self, subscription_id: str, params: dict) -> dict:
        """``POST /v1/subscriptions/{id}``: a new amount (``items[0][price_data]``, which must
        name the item and an existing product, as Stripe requires) and/or ``pause_collection``
        (``""`` resumes). Emits ``customer.subscription.updated``; returns the subscription."""
        with self._lock:
            sub = self.subscriptions[subscription_id]
            self.subscription(subscription_id)  # fills the item and product ids
            if sub.get("status") == "canceled":
                raise FakeStripeError(400, "A canceled subscription can't be updated.")
            for item in params.get("items") or []:
                price_data = item.get("price_data") or {}
                if item.get("id") != sub["item_id"]:
                    raise FakeStripeError(400, f"No such subscription item: '{item.get('id')}'")
                if price_data.get("product") != sub["product"]:
                    raise FakeStripeError(400, "price_data[product] must name an existing product")
                sub["amount"] = int(price_data["unit_amount"])
            if "pause_collection" in params:
                pause = params["pause_collection"]
                if pause in ("", None):
                    sub["pause_collection"] = None
                else:
                    if pause.get("behavior") not in ("void", "keep_as_draft", "mark_uncollectible"):
                        raise FakeStripeError(400, "pause_collection[behavior] is invalid")
                    resumes_at = int(pause["resumes_at"]) if pause.get("resumes_at") else None
                    sub["pause_collection"] = {
                        "behavior": pause["behavior"],
                        "resumes_at": resumes_at,
                    }
            obj = self.subscription(subscription_id)
        self._emit(event("customer.subscription.updated", obj))
        return obj

    def cancel_subscription(self, subscription_id: str, params: dict) -> dict:
        """``DELETE /v1/subscriptions/{id}``: ends it now; emits ``…deleted``."""
        with self._lock:
            sub = self.subscriptions[subscription_id]
            if sub.get("status") == "canceled":
                raise FakeStripeError(400, "This subscription is already canceled.")
            sub["status"] = "canceled"
            comment = (params.get("cancellation_details") or {}).get("comment")
            sub["cancellation_details"] = {
                "comment": comment,
                "feedback": None,
                "reason": "cancellation_requested",
            }
            obj = self.subscription(subscription_id)
        self._emit(event("customer.subscription.deleted", obj))
        return obj

    def create_billing_portal_session(self, params: dict) -> dict:
        """``POST /v1/billing_portal/sessions``; only the card-update flow is offered here."""
        if not params.get("customer"):
            raise FakeStripeError(400, "Missing required param: customer.")
        flow = params.get("flow_data") or {}
        if flow.get("type") != "payment_method_update":
            raise FakeStripeError(400, "The fake only opens flow_data[type]=payment_method_update")
        self._check_locale(params)
        session_id = new_id("bps")
        session = {
            "id": session_id,
            "object": "billing_portal.session",
            "created": int(time.time()),
            "customer": params["customer"],
            "flow": {"type": flow["type"], "after_completion": flow.get("after_completion")},
            "livemode": False,
            "locale": params.get("locale"),
            "return_url": params.get("return_url"),
            "url": f"{self.base_url}/billing_portal/{session_id}",
        }
        with self._lock:
            self.portal_sessions[session_id] = session
        return session

    def fail_renewal(self, subscription_id: str) -> dict:
        """The next month's invoice fails (``invoice.payment_failed``), as with an expired card."""
        return self.renew(subscription_id, paid=False)

    def retry_invoice(self, invoice_id: str, *, paid: bool) -> dict:
        """Stripe's automatic retry of a failed invoice: the same invoice id, failed again or now
        paid (a recovered payment)."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            invoice["attempt_count"] = invoice.get("attempt_count", 1) + 1
            if paid:
                intent = payment_intent_object(
                    invoice["amount_due"], invoice["currency"], invoice["customer"], {}
                )
                self.payment_intents[intent["id"]] = intent
                now = int(time.time())
                invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
                invoice["status_transitions"]["paid_at"] = now
                self.invoice_payments[invoice_id] = [invoice_payment_object(invoice, intent["id"])]
            obj = dict(invoice)
        return self._emit(event("invoice.paid" if paid else "invoice.payment_failed", obj))

    def refund(self, payment_intent_id: str, amount: int | None = None) -> dict:
        """Refund so that ``amount`` (default: all) is refunded in total, as ``charge.refunded``
        reports it; the difference is kept as one refund object for ``GET /v1/refunds``."""
        with self._lock:
            intent = self.payment_intents[payment_intent_id]
            refunded = intent["amount"] if amount is None else amount
            self.refunds.append(
                {
                    "id": new_id("re"),
                    "object": "refund",
                    "amount": refunded - intent.get("_refunded", 0),
                    "created": int(time.time()),
                    "currency": intent["currency"],
                    "payment_intent": payment_intent_id,
                    "status": "succeeded",
                }
            )
            intent["_refunded"] = refunded
        return self._emit(event("charge.refunded", charge_object(intent, amount_refunded=refunded)))

    @staticmethod
    def public(obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def list_sessions(self, query: dict) -> dict:
        created = query.get("created") or {}
        gte = int(created.get("gte", 0)) if isinstance(created, dict) else 0
        limit = int(query.get("limit", 10))
        with self._lock:
            found = sorted(
                (s for s in self.sessions.values() if s["created"] >= gte),
                key=lambda s: (s["created"], s["id"]),
                reverse=True,
            )
        after = query.get("starting_after")
        if after:
            ids = [s["id"] for s in found]
            found = found[ids.index(after) + 1 :] if after in ids else []
        page = found[:limit]
        return {
            "object": "list",
            "data": [self.public(s) for s in page],
            "has_more": len(found) > limit,
            "url": "/v1/checkout/sessions",
        }

    def list_refunds(self, query: dict) -> dict:
        created = query.get("created") or {}
        gte = int(created.get("gte", 0)) if isinstance(created, dict) else 0
        with self._lock:
            found = [r for r in reversed(self.refunds) if r["created"] >= gte]
        return {"object": "list", "data": found, "has_more": False, "url": "/v1/refunds"}

    def state(self) -> dict:
        with self._lock:
            return {
                "sessions": [self.public(s) for s in self.sessions.values()],
                "subscriptions": self.subscriptions,
                "payment_intents": list(self.payment_intents),
                "delivered": self.delivered,
                "rate_limited": self.rate_limited,
            }


class FakeStripeError(Exception):
    """Refuse a request as Stripe would: an HTTP status and an ``invalid_request_error``.

    With ``param`` it is a refused parameter: Stripe names it in the error and, the request
    having failed validation, keeps no idempotent result for its key.
    """

    def __init__(self, status: int, message: str, param: str | None = None):
        super().__init__(message)
        self.status = status
        self.param = param


def _error(
    status: int, message: str, type_: str = "invalid_request_error", code=None, param=None
) -> dict:
    error = {"type": type_, "message": message, "code": code}
    if param:
        error["param"] = param
    return {"error": error}


def rate_limit_error() -> dict:
    """Stripe's 429 body; Stripe sends it without ``Stripe-Should-Retry``."""
    return _error(
        429,
        "Request rate limit exceeded. Learn more about rate limits here "
        "https://stripe.com/docs/rate-limits.",
        code="rate_limit",
    )


class _Handler(BaseHTTPRequestHandler):
    server: FakeStripeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.verbose:
            super().log_message(format, *args)

    @property
    def fake(self) -> FakeStripe:
        return self.server.fake

    def _send(self, status: int, body: dict | str, headers: dict | None = None) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        content_type = "application/json" if isinstance(body, dict) else "text/html; charset=utf-8"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(8)}")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802 - http.server's name
        self._handle("GET")

    def do_POST(self):  # noqa: N802 - http.server's name
        self._handle("POST")

    def do_DELETE(self):  # noqa: N802 - http.server's name
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        params = parse_stripe_params(body if method in ("POST", "DELETE") and body else url.query)

        if not url.path.startswith("/v1/"):
            return self._browser(method, url.path)

        self.fake.requests.append(
            Recorded(
                method,
                url.path,
                params,
                self.headers.get("Idempotency-Key"),
                self.headers.get("Stripe-Version"),
                self.headers.get("Authorization"),
            )
        )
        admitted = method != "POST" or url.path != "/v1/checkout/sessions"
        admitted = admitted or self.fake.take_rate_limit_slot()
        if self.fake.latency:
            time.sleep(self.fake.latency)
        if self.fake._release is not None:
            self.fake._release.wait()
        if not admitted:
            return self._send(429, rate_limit_error())
        with self.fake._lock:
            failure = self.fake._failures.pop(0) if self.fake._failures else None
        if failure is not None:
            if failure.delay:
                time.sleep(failure.delay)
            if failure.status == 429:
                return self._send(429, rate_limit_error())
            return self._send(
                failure.status,
                _error(failure.status, "Fake Stripe was told to fail.", "api_error"),
                {"Stripe-Should-Retry": "false"} if failure.status < 500 else None,
            )
        if not (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
            return self._send(401, _error(401, "Invalid API Key provided."))

        key = self.headers.get("Idempotency-Key") if method == "POST" else None
        if key:
            with self.fake._lock:
                seen = self.fake._idempotent.get(key)
            if seen is not None:
                seen_params, status, response = seen
                if seen_params != params or self.fake._idempotent_path.get(key) != url.path:
                    return self._send(
                        400,
                        _error(
                            400,
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                            "idempotency_error",
                        ),
                    )
                return self._send(status, response, {"Idempotent-Replayed": "true"})

        try:
            status, response = self._api(method, url.path, params)
        except FakeStripeError as refused:
            response = _error(refused.status, str(refused), param=refused.param)
            if refused.param:  # failed validation: Stripe saves no result under the key
                return self._send(refused.status, response)
            status = refused.status
        if key:
            with self.fake._lock:
                self.fake._idempotent[key] = (params, status, response)
                self.fake._idempotent_path[key] = url.path
        return self._send(status, response)

    _retrievable = {
        "checkout/sessions": (
            "checkout.session",
            lambda fake, i: fake.public(fake.sessions[i]) if i in fake.sessions else None,
        ),
        "payment_intents": (
            "payment_intent",
            lambda fake, i: (
                fake.public(fake.payment_intents[i]) if i in fake.payment_intents else None
            ),
        ),
        "invoices": ("invoice", lambda fake, i: fake.invoices.get(i)),
        "subscriptions": (
            "subscription",
            lambda fake, i: fake.subscription(i) if i in fake.subscriptions else None,
        ),
    }
    """``GET /v1/<kind>/<id>``: Stripe's name for a kind, and how the fake finds one (or None)."""

    def _api(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        fake = self.fake
        for hook in list(fake.on_request):
            hook(method, path)
        if path == "/v1/checkout/sessions" and method == "POST":
            return 200, fake.public(fake.create_session(params))
        if path == "/v1/checkout/sessions" and method == "GET":
            return 200, fake.list_sessions(params)
        match = re.fullmatch(
            r"/v1/(checkout/sessions|payment_intents|invoices|subscriptions)/(\w+)", path
        )
        if match and method == "GET":
            kind, object_id = match.groups()
            name, find = self._retrievable[kind]
            found = find(fake, object_id)
            if found is None:
                return 404, _error(404, f"No such {name}: '{object_id}'", code="resource_missing")
            return 200, found
        match = re.fullmatch(r"/v1/subscriptions/(\w+)", path)
        if match and method in ("POST", "DELETE"):
            if match.group(1) not in fake.subscriptions:
                return 404, _error(404, f"No such subscription: '{match.group(1)}'",
                                   code="resource_missing")  # fmt: skip
            if method == "DELETE":
                return 200, fake.cancel_subscription(match.group(1), params)
            return 200, fake.update_subscription(match.group(1), params)
        if path == "/v1/billing_portal/sessions" and method == "POST":
            return 200, fake.create_billing_portal_session(params)
        if path == "/v1/invoice_payments" and method == "GET":
            if "invoice" in params:
                data = fake.invoice_payments.get(params["invoice"], [])
            else:
                paid_by = (params.get("payment") or {}).get("payment_intent")
                data = [
                    item
                    for items in fake.invoice_payments.values()
                    for item in items
                    if item["payment"]["payment_intent"] == paid_by
                ]
            return 200, {"object": "list", "data": data, "has_more": False, "url": path}
        if path == "/v1/refunds" and method == "GET":
            return 200, fake.list_refunds(params)
        return 404, _error(404, f"Unrecognized request URL ({method}: {path}).")

    def _browser(self, method: str, path: str) -> None:
        """The fake's own pages: hosted checkout, and a few controls for browser tests."""
        fake = self.fake
        match = re.fullmatch(r"/checkout/([\w]+)(/cancel)?/?", path)
        if match:
            session = fake.sessions.get(match.group(1))
            if session is None:
                return self._send(404, "<h1>No such checkout</h1>")
            if match.group(2):
                return self._redirect(session["cancel_url"])
            fake.complete_session(session["id"])
            return self._redirect(
                session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
            )
        match = re.fullmatch(r"/billing_portal/([\w]+)/?", path)
        if match:
            portal = fake.portal_sessions.get(match.group(1))
            if portal is None:
                return self._send(404, "<h1>No such billing portal session</h1>")
            return self._redirect(portal["return_url"])  # as if the card was updated
        match = re.fullmatch(r"/_fake/fail/([\w]+)", path)
        if match and method == "POST" and match.group(1) in fake.subscriptions:
            return self._send(200, fake.fail_renewal(match.group(1)))
        match = re.fullmatch(r"/_fake/retry/([\w]+)", path)
        if match and method == "POST" and match.group(1) in fake.invoices:
            return self._send(200, fake.retry_invoice(match.group(1), paid=False))
        match = re.fullmatch(r"/_fake/recover/([\w]+)", path)
        if match and method == "POST" and match.group(1) in fake.invoices:
            return self._send(200, fake.retry_invoice(match.group(1), paid=True))
        if path == "/_fake/state" and method == "GET":
            return self._send(200, fake.state())
        match = re.fullmatch(r"/_fake/renew/([\w]+)", path)
        if match and method == "POST" and match.group(1) in fake.subscriptions:
            return self._send(200, fake.renew(match.group(1)))
        match = re.fullmatch(r"/_fake/refund/([\w]+)", path)
        if match and method == "POST" and match.group(1) in fake.payment_intents:
            return self._send(200, fake.refund(match.group(1)))
        return self._send(404, "<h1>Not found</h1>")


class FakeStripeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops a burst of donors' connections, and their SYN
    # retries (1 s, 3 s, 7 s) would be measured as Stripe's latency.
    request_queue_size = 128

    def __init__(self, port: int = 0, *, verbose: bool = False, **fake_options):
        super().__init__(("127.0.0.1", port), _Handler)
        self.verbose = verbose
        self.fake = FakeStripe(**fake_options)
        self.fake.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.fake.base_url

    def start(self) -> FakeStripeServer:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a fake Stripe API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", help="where to post signed events, e.g. the site's")
    parser.add_argument("--webhook-secret", help="the site's STRIPE_WEBHOOK_SECRET")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds each API call takes (e.g. 0.5)"
    )
    parser.add_argument(
        "--checkout-rate-limit",
        type=int,
        help="Checkout Sessions created per second before 429 rate_limit (Stripe's is 25)",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    server = FakeStripeServer(
        args.port,
        verbose=args.verbose,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        latency=args.latency,
        checkout_rate_limit=args.checkout_rate_limit,
    )
    # A shell that starts us in the background ignores SIGINT; stop cleanly on either signal.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"fake Stripe on {server.url} (webhooks → {args.webhook_url or 'nowhere'})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
