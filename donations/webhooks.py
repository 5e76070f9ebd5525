"""Stripe webhook events: verified, kept once, applied in the same transaction.

Stripe delivers events at least once and in no particular order. So: the signature is checked on
the raw body; the event id is stored in the same transaction that applies it (a repeat finds the
id and changes nothing); and every handler goes through the model methods, whose statuses only
move forward (a refund that arrives before its completion stays a refund).

Handlers read plain dicts shaped like API version ``2026-10-28.endive`` (for example an invoice's
subscription is at ``parent.subscription_details.subscription``).
"""

import json
import logging
from datetime import UTC, datetime
from functools import partial

import stripe
from django.db import IntegrityError, transaction

from donations import stripe_client
from donations.models import Donation, Frequency, RecurringGift, StripeEvent

logger = logging.getLogger("ijm.payments")


class EventNotReady(Exception):
    """The event refers to a gift we will only know about later; Stripe should retry."""


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def _id(value) -> str:
    """An expandable field: either the id itself or the expanded object."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _after_commit(task, *args) -> None:
    transaction.on_commit(partial(task.enqueue, *args), robust=True)


def _send_receipt(donation: Donation) -> None:
    from donations.tasks import send_receipt

    _after_commit(send_receipt, donation.pk)


def _send_failed_payment_note(donation: Donation) -> None:
    from donations.tasks import send_failed_payment_note

    _after_commit(send_failed_payment_note, donation.pk)


# Finding our records ---------------------------------------------------------------------------


def _locked(queryset):
    return queryset.select_for_update()


def _donation_for_session(session: dict) -> Donation | None:
    donation = _locked(Donation.objects.filter(stripe_checkout_session_id=session["id"])).first()
    if donation is not None:
        return donation
    reference = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "donation_id"
    )
    if reference and str(reference).isdigit():
        candidate = _locked(Donation.objects.filter(pk=int(reference))).first()
        if candidate and candidate.stripe_checkout_session_id in (None, "", session["id"]):
            return candidate
    return None


def _donation_for_payment_intent(payment_intent_id: str) -> Donation | None:
    """The gift a PaymentIntent paid for, asking Stripe for its metadata if we don't know it."""
    if not payment_intent_id:
        return None
    donation = _locked(Donation.objects.filter(stripe_payment_intent_id=payment_intent_id)).first()
    if donation is not None:
        return donation
    try:
        intent = stripe_client.retrieve_payment_intent(payment_intent_id).to_dict()
    except stripe.StripeError as error:
        raise EventNotReady(f"could not read {payment_intent_id}: {error}") from error
    reference = (intent.get("metadata") or {}).get("donation_id", "")
    if not str(reference).isdigit():
        return None
    donation = _locked(Donation.objects.filter(pk=int(reference))).first()
    if donation is None:
        raise EventNotReady(f"donation {reference} of {payment_intent_id} is not here yet")
    return donation


def _recurring_gift(subscription_id: str, origin: Donation, customer_id: str) -> RecurringGift:
    gift, _ = RecurringGift.objects.get_or_create(
        stripe_subscription_id=subscription_id,
        defaults={
            "stripe_customer_id": customer_id or "",
            "amount": origin.amount,
            "currency": origin.currency,
            "donor_name": origin.donor_name,
            "donor_email": origin.donor_email,
            "is_anonymous": origin.is_anonymous,
        },
    )
    if origin.recurring_gift_id != gift.pk:
        origin.recurring_gift = gift
        origin.save(update_fields=["recurring_gift", "updated_at"])
    return gift


def _check_amount(donation: Donation, amount, currency) -> None:
    """Stripe's figure is what was paid; ours is what the form asked for. Say when they differ."""
    if amount is None:
        return
    if amount != donation.amount or (currency or "").upper() != donation.currency:
        logger.warning(
            "amount differs donation=%s ours=%s %s stripe=%s %s; keeping Stripe's",
            donation.pk,
            donation.amount,
            donation.currency,
            amount,
            currency,
        )
        donation.amount = amount
        donation.currency = (currency or donation.currency).upper()
        donation.save(update_fields=["amount", "currency", "updated_at"])


# Handlers -------------------------------------------------------------------------------------


def checkout_completed(session: dict, event: dict) -> str:
    """Completed (card paid at once) or async payment succeeded (bank debit cleared later)."""
    donation = _donation_for_session(session)
    if donation is None:
        return "ignored: not one of our checkouts"
    ids = {
        "stripe_checkout_session_id": session["id"],
        "stripe_customer_id": _id(session.get("customer")),
        "stripe_payment_intent_id": _id(session.get("payment_intent")),
    }
    _check_amount(donation, session.get("amount_total"), session.get("currency"))
    subscription_id = _id(session.get("subscription"))
    if session.get("mode") == "subscription" and subscription_id:
        _recurring_gift(subscription_id, donation, ids["stripe_customer_id"])
    if session.get("payment_status") in ("paid", "no_payment_required"):
        if donation.mark_paid(at=_timestamp(event.get("created")), **ids):
            _send_receipt(donation)
    else:
        donation.record_stripe_ids(**ids)
    return f"donation={donation.pk} status={donation.status}"


def checkout_async_payment_failed(session: dict, event: dict) -> str:
    donation = _donation_for_session(session)
    if donation is None:
        return "ignored: not one of our checkouts"
    donation.mark_failed(
        "The payment did not go through.",
        stripe_checkout_session_id=session["id"],
        stripe_payment_intent_id=_id(session.get("payment_intent")),
    )
    return f"donation={donation.pk} status={donation.status}"


def checkout_expired(session: dict, event: dict) -> str:
    donation = _donation_for_session(session)
    if donation is None:
        return "ignored: not one of our checkouts"
    donation.mark_expired()
    return f"donation={donation.pk} status={donation.status}"


def _invoice_subscription(invoice: dict) -> tuple[str, dict]:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription")), details.get("metadata") or {}


def _invoice_payment_intent(invoice: dict) -> str:
    """The PaymentIntent that paid an invoice: in ``payments`` when included, else asked for."""
    payments = invoice.get("payments")
    if payments is None:
        try:
            payments = stripe_client.list_invoice_payments(invoice["id"]).to_dict()
        except stripe.StripeError as error:
            logger.warning("could not list payments of %s: %s", invoice["id"], error)
            return ""
    for item in payments.get("data") or []:
        payment = item.get("payment") or {}
        if item.get("status", "paid") == "paid" and payment.get("payment_intent"):
            return _id(payment["payment_intent"])
    return ""


def _origin_donation(subscription_id: str, metadata: dict) -> Donation | None:
    """The Donation that the checkout for this subscription started."""
    reference = metadata.get("donation_id", "")
    if str(reference).isdigit():
        found = _locked(Donation.objects.filter(pk=int(reference))).first()
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


def _donation_for_invoice(invoice: dict, *, failed: bool) -> tuple[Donation | None, bool]:
    """The Donation an invoice is about: the checkout's own for the first, a new one after."""
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id:
        return None, False
    existing = _locked(Donation.objects.filter(stripe_invoice_id=invoice["id"])).first()
    origin = _origin_donation(subscription_id, metadata)
    customer = _id(invoice.get("customer"))
    gift = RecurringGift.objects.filter(stripe_subscription_id=subscription_id).first()
    if gift is None and origin is not None:
        gift = _recurring_gift(subscription_id, origin, customer)
    if existing is not None:
        return existing, False
    if invoice.get("billing_reason") == "subscription_create":
        if origin is None:
            raise EventNotReady(f"first invoice {invoice['id']} before its checkout's gift")
        return origin, False
    if gift is None:
        raise EventNotReady(f"invoice {invoice['id']} for unknown subscription {subscription_id}")
    amount = invoice.get("amount_paid") if not failed else invoice.get("amount_due")
    donation, created = Donation.objects.get_or_create(
        stripe_invoice_id=invoice["id"],
        defaults={
            "amount": amount or gift.amount,
            "currency": (invoice.get("currency") or gift.currency).upper(),
            "frequency": Frequency.MONTHLY,
            "donor_name": gift.donor_name,
            "donor_email": gift.donor_email,
            "is_anonymous": gift.is_anonymous,
            "recurring_gift": gift,
            "stripe_customer_id": customer or gift.stripe_customer_id,
            "page": origin.page if origin else None,
            "dedication_type": origin.dedication_type if origin else "",
            "dedication_name": origin.dedication_name if origin else "",
        },
    )
    return donation, created


def invoice_paid(invoice: dict, event: dict) -> str:
    donation, _ = _donation_for_invoice(invoice, failed=False)
    if donation is None:
        return "ignored: not a subscription invoice"
    paid_at = _timestamp((invoice.get("status_transitions") or {}).get("paid_at"))
    moved = donation.mark_paid(
        at=paid_at or _timestamp(event.get("created")),
        stripe_invoice_id=invoice["id"],
        stripe_payment_intent_id=_invoice_payment_intent(invoice),
        stripe_customer_id=_id(invoice.get("customer")),
    )
    if moved:
        _send_receipt(donation)
    return f"donation={donation.pk} status={donation.status}"


def invoice_payment_failed(invoice: dict, event: dict) -> str:
    donation, created = _donation_for_invoice(invoice, failed=True)
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
    return f"donation={donation.pk} status={donation.status}"


def subscription_updated(subscription: dict, event: dict) -> str:
    gift = _locked(RecurringGift.objects.filter(stripe_subscription_id=subscription["id"])).first()
    if gift is None:
        return "ignored: unknown subscription"
    gift.apply_stripe_status(subscription.get("status", ""), at=_timestamp(event.get("created")))
    return f"recurring_gift={gift.pk} status={gift.status}"


def subscription_deleted(subscription: dict, event: dict) -> str:
    gift = _locked(RecurringGift.objects.filter(stripe_subscription_id=subscription["id"])).first()
    if gift is None:
        return "ignored: unknown subscription"
    gift.apply_stripe_status(RecurringGift.Status.CANCELED, at=_timestamp(event.get("created")))
    return f"recurring_gift={gift.pk} status={gift.status}"


def charge_refunded(charge: dict, event: dict) -> str:
    payment_intent = _id(charge.get("payment_intent"))
    donation = _donation_for_payment_intent(payment_intent)
    if donation is None:
        return "ignored: not one of our payments"
    donation.record_refund(
        int(charge.get("amount_refunded") or 0), stripe_payment_intent_id=payment_intent
    )
    return f"donation={donation.pk} status={donation.status} refunded={donation.refunded_amount}"


def dispute_created(dispute: dict, event: dict) -> str:
    payment_intent = _id(dispute.get("payment_intent"))
    donation = _donation_for_payment_intent(payment_intent)
    if donation is None:
        return "ignored: not one of our payments"
    donation.open_dispute(stripe_payment_intent_id=payment_intent)
    return f"donation={donation.pk} status={donation.status}"


def dispute_closed(dispute: dict, event: dict) -> str:
    payment_intent = _id(dispute.get("payment_intent"))
    donation = _donation_for_payment_intent(payment_intent)
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


def apply_event(event: dict) -> tuple[bool, str]:
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
        return True, handler(event["data"]["object"], event)


def receive(payload: bytes, signature: str) -> tuple[int, str]:
    """Verify, record and apply one delivery. Returns (HTTP status, short plain-text reason)."""
    try:
        stripe_client.construct_event(payload, signature)
        event = json.loads(payload)
        event_id, event_type, obj = event["id"], event["type"], event["data"]["object"]
        if not isinstance(obj, dict) or not isinstance(event_id, str):
            raise ValueError("data.object is not an object")
    except stripe_client.StripeNotConfigured:
        logger.error("webhook refused: STRIPE_WEBHOOK_SECRET is not set")
        return 400, "webhook secret not configured"
    except stripe.SignatureVerificationError:
        logger.warning("webhook refused: bad or missing signature")
        return 400, "bad signature"
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.warning("webhook refused: body is not a Stripe event")
        return 400, "bad payload"

    request = event.get("request")
    request_id = (request.get("id") or "") if isinstance(request, dict) else (request or "")
    try:
        fresh, outcome = apply_event(event)
    except EventNotReady as reason:
        logger.warning(
            "event=%s type=%s deferred (Stripe will retry): %s request_id=%s",
            event_id,
            event_type,
            reason,
            request_id,
        )
        return 409, "not ready; retry later"
    logger.info(
        "event=%s type=%s %s request_id=%s",
        event_id,
        event_type,
        outcome if fresh else "repeat ignored",
        request_id,
    )
    return 200, outcome
