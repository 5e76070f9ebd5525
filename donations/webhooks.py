"""Stripe webhook events: verified, checked, kept once, applied in the same transaction.

Stripe delivers events at least once and in no particular order. So: the signature is checked on
the raw body and the event's shape at the door (``event_shapes``); what a handler needs from
Stripe's API is fetched *before* the transaction opens (a slow Stripe must never hold our row
locks); then the event id is stored in the same transaction that applies it (a repeat finds the
id and changes nothing), and every change goes through the model methods, whose statuses only
move forward (a refund that arrives before its completion stays a refund).

Names say what a function does to the database: ``find_…`` only reads (locking the rows it
returns), ``record_…``/``apply_…`` write.

Handlers read plain dicts shaped like API version ``2026-10-28.endive`` (for example an invoice's
subscription is at ``parent.subscription_details.subscription``).
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import stripe
from django.db import IntegrityError, transaction
from django_tasks_db import DatabaseBackend

from donations import signals, stripe_client
from donations.event_shapes import MalformedEvent, check_event
from donations.models import Donation, Frequency, RecurringGift, StripeEvent

logger = logging.getLogger("ijm.payments")


class EventNotReady(Exception):
    """The event refers to a gift we will only know about later; Stripe should retry."""


@dataclass
class StripeFacts:
    """What an event's handler needed from Stripe's API, read before the transaction opened."""

    donation_reference: str = ""
    """``metadata.donation_id`` of the PaymentIntent a charge or dispute is about."""
    renewal_subscription: str = ""
    """The subscription whose renewal invoice a PaymentIntent paid, when it paid one."""
    renewal_metadata: dict = field(default_factory=dict)
    invoice_payment_intent: str = ""
    """The PaymentIntent that paid an invoice, when the invoice did not include it."""


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def _id(value) -> str:
    """An expandable field: either the id itself or the expanded object."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _reference(metadata: dict | None) -> int | None:
    value = str((metadata or {}).get("donation_id", ""))
    return int(value) if value.isdigit() else None


def _enqueue_with_the_change(task, *args) -> None:
    """Queue an email so that it exists exactly when the change that calls for it does.

    The durable queue keeps its tasks as rows of our own database, so the task is written inside
    the event's transaction: it commits with the gift's new status or not at all, and no crash
    between the commit and the enqueue can lose a receipt. A backend outside our database (the
    immediate one in development and tests) runs after the commit instead.
    """
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)


def _send_receipt(donation: Donation) -> None:
    from donations.tasks import send_receipt

    _enqueue_with_the_change(send_receipt, donation.pk)


def _send_failed_payment_note(donation: Donation) -> None:
    from donations.tasks import send_failed_payment_note

    _enqueue_with_the_change(send_failed_payment_note, donation.pk)


# Reading Stripe, before the transaction --------------------------------------------------------


def _stripe_read(call, *args):
    """One read from Stripe's API; a failure asks Stripe to deliver the event again later."""
    try:
        return call(*args).to_dict()
    except stripe.StripeError as error:
        raise EventNotReady(f"could not read {args[0]} from Stripe: {error}") from error


def fetch_payment_intent_facts(obj: dict) -> StripeFacts:
    """For a charge or dispute whose PaymentIntent we don't know: whose gift it paid.

    Its metadata names a one-time gift; a renewal's PaymentIntent has none, so we ask which
    invoice it paid, and that invoice's subscription.
    """
    payment_intent = _id(obj.get("payment_intent"))
    if (
        not payment_intent
        or Donation.objects.filter(stripe_payment_intent_id=payment_intent).exists()
    ):
        return StripeFacts()
    intent = _stripe_read(stripe_client.retrieve_payment_intent, payment_intent)
    reference = str((intent.get("metadata") or {}).get("donation_id", ""))
    if reference:
        return StripeFacts(donation_reference=reference)
    payments = _stripe_read(stripe_client.list_payments_of_payment_intent, payment_intent)
    for item in payments.get("data") or []:
        invoice = _stripe_read(stripe_client.retrieve_invoice, _id(item.get("invoice")))
        subscription, metadata = _invoice_subscription(invoice)
        if subscription:
            return StripeFacts(renewal_subscription=subscription, renewal_metadata=metadata)
    return StripeFacts()


def fetch_invoice_facts(invoice: dict) -> StripeFacts:
    """The PaymentIntent that paid an invoice: in ``payments`` when included, else asked for."""
    if invoice.get("payments") is not None:
        return StripeFacts()
    try:
        payments = stripe_client.list_invoice_payments(invoice["id"]).to_dict()
    except stripe.StripeError as error:
        logger.warning("could not list payments of %s: %s", invoice["id"], error)
        return StripeFacts()
    return StripeFacts(invoice_payment_intent=_paid_payment_intent(payments))


def _paid_payment_intent(payments: dict) -> str:
    for item in payments.get("data") or []:
        payment = item.get("payment") or {}
        if item.get("status", "paid") == "paid" and payment.get("payment_intent"):
            return _id(payment["payment_intent"])
    return ""


# Finding our records (reads only; rows come back locked) ---------------------------------------


def _locked(queryset):
    return queryset.select_for_update()


def find_donation_for_session(session: dict) -> Donation | None:
    donation = _locked(Donation.objects.filter(stripe_checkout_session_id=session["id"])).first()
    if donation is not None:
        return donation
    reference = _reference({"donation_id": session.get("client_reference_id")}) or _reference(
        session.get("metadata")
    )
    if reference is not None:
        candidate = _locked(Donation.objects.filter(pk=reference)).first()
        if candidate and candidate.stripe_checkout_session_id in (None, "", session["id"]):
            return candidate
    return None


def find_donation_for_payment_intent(payment_intent: str, facts: StripeFacts) -> Donation | None:
    """The gift a PaymentIntent paid for, from our records or what Stripe told us about it."""
    if not payment_intent:
        return None
    donation = _locked(Donation.objects.filter(stripe_payment_intent_id=payment_intent)).first()
    if donation is not None:
        return donation
    if facts.donation_reference:
        reference = _reference({"donation_id": facts.donation_reference})
        donation = _locked(Donation.objects.filter(pk=reference)).first() if reference else None
        if reference and donation is None:
            raise EventNotReady(f"donation {reference} of {payment_intent} is not here yet")
        return donation
    if facts.renewal_subscription and (
        RecurringGift.objects.filter(stripe_subscription_id=facts.renewal_subscription).exists()
        or find_origin_donation(facts.renewal_subscription, facts.renewal_metadata)
    ):
        raise EventNotReady(f"renewal paid by {payment_intent} is not recorded yet")
    return None


def find_origin_donation(subscription_id: str, metadata: dict) -> Donation | None:
    """The monthly Donation whose checkout started this subscription."""
    reference = _reference(metadata)
    if reference is not None:
        found = _locked(Donation.objects.filter(pk=reference, frequency=Frequency.MONTHLY)).first()
        if found is not None:
            return found
    return (
        _locked(
            Donation.objects.filter(
                recurring_gift__stripe_subscription_id=subscription_id,
                stripe_checkout_session_id__isnull=False,
            )
        )
        .order_by("created_at")
        .first()
    )


def find_recurring_gift(subscription_id: str) -> RecurringGift | None:
    return _locked(RecurringGift.objects.filter(stripe_subscription_id=subscription_id)).first()


def _invoice_subscription(invoice: dict) -> tuple[str, dict]:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription")), details.get("metadata") or {}


# Changing our records ----------------------------------------------------------------------------


def record_recurring_gift(subscription_id: str, origin: Donation, customer_id: str):
    """The monthly gift of a subscription (made from its checkout's Donation when new)."""
    gift, _ = RecurringGift.objects.get_or_create(
        stripe_subscription_id=subscription_id,
        defaults={
            "stripe_customer_id": customer_id or "",
            "amount": origin.amount,
            "currency": origin.currency,
            "donor_name": origin.donor_name,
            "donor_email": origin.donor_email,
            "is_anonymous": origin.is_anonymous,
            "language": origin.language,
        },
    )
    origin.link_recurring_gift(gift)
    return gift


def record_renewal(invoice: dict, gift: RecurringGift, origin: Donation | None, *, failed: bool):
    """A later month's invoice: its own Donation of the monthly gift (the same one if repeated)."""
    amount = invoice.get("amount_due") if failed else invoice.get("amount_paid")
    donation, _ = Donation.objects.get_or_create(
        stripe_invoice_id=invoice["id"],
        defaults={
            "amount": amount or gift.amount,
            "currency": (invoice.get("currency") or gift.currency).upper(),
            "frequency": Frequency.MONTHLY,
            "donor_name": gift.donor_name,
            "donor_email": gift.donor_email,
            "is_anonymous": gift.is_anonymous,
            "language": gift.language,
            "recurring_gift": gift,
            "stripe_customer_id": _id(invoice.get("customer")) or gift.stripe_customer_id,
            "page": origin.page if origin else None,
            "dedication_type": origin.dedication_type if origin else "",
            "dedication_name": origin.dedication_name if origin else "",
        },
    )
    return donation


def apply_checkout_session(session: dict, *, at: datetime | None = None) -> Donation | None:
    """Bring our gift in line with a Checkout Session as Stripe reports it.

    The one way a session changes a gift, for the webhook and for ``reconcile_donations`` alike:
    complete and paid → paid (with a receipt, once); complete but not yet paid (a bank debit) →
    its ids kept; expired → expired. Returns the gift, or None when the session is not ours.
    Must run inside a transaction.
    """
    donation = find_donation_for_session(session)
    if donation is None:
        return None
    ids = {
        "stripe_checkout_session_id": session["id"],
        "stripe_customer_id": _id(session.get("customer")),
        "stripe_payment_intent_id": _id(session.get("payment_intent")),
    }
    if session.get("status") == "expired":
        donation.mark_expired()
        return donation
    if session.get("amount_total") is not None:
        donation.record_paid_amount(session["amount_total"], session.get("currency") or "")
    subscription_id = _id(session.get("subscription"))
    if session.get("mode") == "subscription" and subscription_id:
        record_recurring_gift(subscription_id, donation, ids["stripe_customer_id"])
    if session.get("payment_status") in ("paid", "no_payment_required"):
        if donation.mark_paid(at=at or _timestamp(session.get("created")), **ids):
            _send_receipt(donation)
    else:
        donation.record_stripe_ids(**ids)
    return donation


def apply_subscription_status(subscription: dict, status: str, *, at: datetime | None):
    """A subscription's status, kept even when it arrives before its checkout's gift.

    Stripe sends events in no particular order: a donor can cancel in the first minute, before
    ``checkout.session.completed`` reaches us. When the subscription's metadata names one of our
    monthly Donations we record its monthly gift now, from that Donation, with the status Stripe
    gives; the completion then finds the gift and (statuses only moving forward) leaves a
    cancellation in place. A subscription that is not ours changes nothing.
    """
    gift = find_recurring_gift(subscription["id"])
    if gift is None:
        origin = find_origin_donation(subscription["id"], subscription.get("metadata") or {})
        if origin is None:
            return None
        gift = record_recurring_gift(subscription["id"], origin, _id(subscription.get("customer")))
    gift.apply_stripe_status(status, at=at)
    return gift


def _tell_listeners(signal, gift: RecurringGift | None, event: dict, **objects) -> None:
    """Tell other apps (``donations/signals.py``) about a monthly gift, inside this transaction."""
    if gift is not None:
        signal.send(sender=RecurringGift, gift=gift, at=_timestamp(event.get("created")), **objects)


# Handlers: (event's object, the event, what we read from Stripe) -> outcome for the log --------


def checkout_completed(session: dict, event: dict, facts: StripeFacts) -> str:
    """Completed (card paid at once), async payment succeeded (bank debit cleared), expired."""
    donation = apply_checkout_session(session, at=_timestamp(event.get("created")))
    if donation is None:
        return "ignored: not one of our checkouts"
    return f"donation={donation.pk} status={donation.status}"


def checkout_async_payment_failed(session: dict, event: dict, facts: StripeFacts) -> str:
    donation = find_donation_for_session(session)
    if donation is None:
        return "ignored: not one of our checkouts"
    donation.mark_failed(
        "The payment did not go through.",
        stripe_checkout_session_id=session["id"],
        stripe_payment_intent_id=_id(session.get("payment_intent")),
    )
    return f"donation={donation.pk} status={donation.status}"


def checkout_expired(session: dict, event: dict, facts: StripeFacts) -> str:
    return checkout_completed({**session, "status": "expired"}, event, facts)


def record_invoice_donation(invoice: dict, *, failed: bool) -> Donation | None:
    """The Donation an invoice is about: the checkout's own for the first, a new one after.

    Records the monthly gift (and a renewal's Donation) when they are new.
    """
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id:
        return None
    existing = _locked(Donation.objects.filter(stripe_invoice_id=invoice["id"])).first()
    origin = find_origin_donation(subscription_id, metadata)
    gift = find_recurring_gift(subscription_id)
    if gift is None and origin is not None:
        gift = record_recurring_gift(subscription_id, origin, _id(invoice.get("customer")))
    if existing is not None:
        return existing
    if invoice.get("billing_reason") == "subscription_create":
        if origin is None:
            raise EventNotReady(f"first invoice {invoice['id']} before its checkout's gift")
        return origin
    if gift is None:
        raise EventNotReady(f"invoice {invoice['id']} for unknown subscription {subscription_id}")
    return record_renewal(invoice, gift, origin, failed=failed)


def invoice_paid(invoice: dict, event: dict, facts: StripeFacts) -> str:
    donation = record_invoice_donation(invoice, failed=False)
    if donation is None:
        return "ignored: not a subscription invoice"
    paid_at = _timestamp((invoice.get("status_transitions") or {}).get("paid_at"))
    payment_intent = facts.invoice_payment_intent or _paid_payment_intent(
        invoice.get("payments") or {}
    )
    moved = donation.mark_paid(
        at=paid_at or _timestamp(event.get("created")),
        stripe_invoice_id=invoice["id"],
        stripe_payment_intent_id=payment_intent,
        stripe_customer_id=_id(invoice.get("customer")),
    )
    if moved:
        _send_receipt(donation)
    _tell_listeners(
        signals.invoice_paid, donation.recurring_gift, event, invoice=invoice, donation=donation
    )
    return f"donation={donation.pk} status={donation.status}"


def invoice_payment_failed(invoice: dict, event: dict, facts: StripeFacts) -> str:
    donation = record_invoice_donation(invoice, failed=True)
    if donation is None:
        return "ignored: not a subscription invoice"
    moved = donation.mark_failed(
        "The monthly payment did not go through.",
        stripe_invoice_id=invoice["id"],
        stripe_customer_id=_id(invoice.get("customer")),
    )
    if (
        moved
        and donation.recurring_gift_id
        and invoice.get("billing_reason") != ("subscription_create")
    ):
        _send_failed_payment_note(donation)
    _tell_listeners(
        signals.invoice_payment_failed,
        donation.recurring_gift,
        event,
        invoice=invoice,
        donation=donation,
    )
    return f"donation={donation.pk} status={donation.status}"


def subscription_updated(subscription: dict, event: dict, facts: StripeFacts) -> str:
    gift = apply_subscription_status(
        subscription, subscription.get("status", ""), at=_timestamp(event.get("created"))
    )
    if gift is None:
        return "ignored: not one of our subscriptions"
    ended = subscription.get("status") == RecurringGift.Status.CANCELED
    kind = signals.subscription_ended if ended else signals.subscription_changed
    _tell_listeners(kind, gift, event, subscription=subscription)
    return f"recurring_gift={gift.pk} status={gift.status}"


def subscription_deleted(subscription: dict, event: dict, facts: StripeFacts) -> str:
    return subscription_updated(
        {**subscription, "status": RecurringGift.Status.CANCELED}, event, facts
    )


def charge_refunded(charge: dict, event: dict, facts: StripeFacts) -> str:
    payment_intent = _id(charge.get("payment_intent"))
    donation = find_donation_for_payment_intent(payment_intent, facts)
    if donation is None:
        return "ignored: not one of our payments"
    donation.record_refund(
        int(charge.get("amount_refunded") or 0), stripe_payment_intent_id=payment_intent
    )
    return f"donation={donation.pk} status={donation.status} refunded={donation.refunded_amount}"


def dispute_created(dispute: dict, event: dict, facts: StripeFacts) -> str:
    payment_intent = _id(dispute.get("payment_intent"))
    donation = find_donation_for_payment_intent(payment_intent, facts)
    if donation is None:
        return "ignored: not one of our payments"
    donation.open_dispute(stripe_payment_intent_id=payment_intent)
    return f"donation={donation.pk} status={donation.status}"


def dispute_closed(dispute: dict, event: dict, facts: StripeFacts) -> str:
    payment_intent = _id(dispute.get("payment_intent"))
    donation = find_donation_for_payment_intent(payment_intent, facts)
    if donation is None:
        return "ignored: not one of our payments"
    outcome = dispute.get("status", "")
    donation.close_dispute(
        "won" if outcome in ("won", "warning_closed") else outcome or "lost",
        stripe_payment_intent_id=payment_intent,
    )
    return f"donation={donation.pk} status={donation.status} dispute={donation.dispute_outcome}"


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_completed,
    "checkout.session.async_payment_failed": checkout_async_payment_failed,
    "checkout.session.expired": checkout_expired,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "customer.subscription.updated": subscription_updated,
    "customer.subscription.deleted": subscription_deleted,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
    "charge.dispute.closed": dispute_closed,
}

FETCHERS = {
    "invoice.paid": fetch_invoice_facts,
    "charge.refunded": fetch_payment_intent_facts,
    "charge.dispute.created": fetch_payment_intent_facts,
    "charge.dispute.closed": fetch_payment_intent_facts,
}
"""What an event type needs from Stripe's API, read before its transaction opens."""


def fetch_facts(event: dict) -> StripeFacts:
    """Everything the event's handler needs from Stripe, read now, outside any transaction."""
    fetch = FETCHERS.get(event["type"])
    return fetch(event["data"]["object"]) if fetch else StripeFacts()


def apply_event(event: dict, facts: StripeFacts) -> tuple[bool, str]:
    """Record the event and apply it in one transaction. (False, …) when it was seen before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(
                    event_id=event["id"],
                    type=event["type"],
                    livemode=bool(event.get("livemode")),
                    created=_timestamp(event.get("created")) or datetime.now(tz=UTC),
                )
        except IntegrityError:
            return False, "already processed"
        handler = HANDLERS.get(event["type"])
        if handler is None:
            return True, "ignored: not an event we use"
        return True, handler(event["data"]["object"], event, facts)


def _parse(payload: bytes, signature: str) -> dict:
    stripe_client.construct_event(payload, signature)
    return check_event(json.loads(payload))


def receive(payload: bytes, signature: str) -> tuple[int, str]:
    """Verify, check, record and apply one delivery. Returns (HTTP status, short reason)."""
    try:
        event = _parse(payload, signature)
    except stripe_client.StripeNotConfigured:
        logger.error("webhook refused: STRIPE_WEBHOOK_SECRET is not set")
        return 400, "webhook secret not configured"
    except stripe.SignatureVerificationError:
        logger.warning("webhook refused: bad or missing signature")
        return 400, "bad signature"
    except MalformedEvent as problem:
        logger.warning("webhook refused: signed but malformed event: %s", problem)
        return 400, f"malformed event: {problem}"
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.warning("webhook refused: body is not a Stripe event")
        return 400, "bad payload"

    event_id, event_type = event["id"], event["type"]
    request = event.get("request")
    request_id = (request.get("id") or "") if isinstance(request, dict) else (request or "")
    try:
        if StripeEvent.objects.filter(event_id=event_id).exists():
            fresh, outcome = False, "already processed"
        else:
            fresh, outcome = apply_event(event, fetch_facts(event))
    except EventNotReady as reason:
        logger.warning(
            "event=%s type=%s deferred (Stripe will retry): %s request_id=%s",
            event_id, event_type, reason, request_id,
        )  # fmt: skip
        return 409, "not ready; retry later"
    logger.info(
        "event=%s type=%s %s request_id=%s",
        event_id, event_type, outcome if fresh else "repeat ignored", request_id,
    )  # fmt: skip
    return 200, outcome
