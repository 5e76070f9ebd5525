"""Stripe's webhook events: verified, applied once, in any order, only ever moving forward."""

import json
import logging

import pytest
from django.core import mail

from donations.models import Donation, RecurringGift, StripeEvent
from tests import fake_stripe as stripe_shapes
from tests.test_donations_checkout import DONATE_URL, _gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def give(client, fake_stripe, donate_page):
    """Start a gift through the form; returns its pending Donation."""

    def start(**overrides) -> Donation:
        response = client.post(DONATE_URL, _gift(client, **overrides))
        assert response.status_code == 303
        return Donation.objects.latest("pk")

    return start


def _monthly(give):
    return give(currency="USD", frequency="monthly", amount_choice="2500")


# Signatures and payloads -----------------------------------------------------------------------


def _completed_event(fake, donation):
    [evt] = fake.complete_session(donation.stripe_checkout_session_id)
    return evt


def test_a_bad_signature_is_refused_and_nothing_is_written(give, fake_stripe, post_event):
    donation = give()
    evt = _completed_event(fake_stripe, donation)
    response = post_event(evt, secret="whsec_wrong")
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    donation.refresh_from_db()
    assert donation.status == "pending"


def test_a_missing_signature_is_refused(give, fake_stripe, post_event):
    evt = _completed_event(fake_stripe, give())
    assert post_event(evt, signature="").status_code == 400
    assert not StripeEvent.objects.exists()


def test_an_old_signature_is_refused(give, fake_stripe, post_event):
    evt = _completed_event(fake_stripe, give())
    old = stripe_shapes.sign(json.dumps(evt), "whsec_test_secret", timestamp=1_000_000_000)
    assert post_event(evt, signature=old).status_code == 400


def test_a_tampered_body_is_refused(give, fake_stripe, client):
    donation = give()
    evt = _completed_event(fake_stripe, donation)
    signature = stripe_shapes.sign(json.dumps(evt), "whsec_test_secret")
    evt["data"]["object"]["amount_total"] = 1
    response = client.post(
        "/stripe/webhook/", json.dumps(evt), "application/json",
        headers={"Stripe-Signature": signature},
    )  # fmt: skip
    assert response.status_code == 400
    assert Donation.objects.get().status == "pending"


@pytest.mark.parametrize("body", ["not json", "{}", '{"id": "evt_1", "type": "x"}', "[]"])
def test_a_body_that_is_not_an_event_is_refused(client, fake_stripe, body):
    response = client.post(
        "/stripe/webhook/", body, "application/json",
        headers={"Stripe-Signature": stripe_shapes.sign(body, "whsec_test_secret")},
    )  # fmt: skip
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_without_a_webhook_secret_events_are_refused(give, fake_stripe, post_event, settings):
    evt = _completed_event(fake_stripe, give())
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_event(evt).status_code == 400
    assert not StripeEvent.objects.exists()


def test_the_webhook_only_accepts_post(client):
    assert client.get("/stripe/webhook/").status_code == 405


def test_an_unknown_event_gets_200_and_is_kept_once(fake_stripe, post_event):
    evt = stripe_shapes.event("customer.created", {"id": "cus_1", "object": "customer"})
    assert post_event(evt).status_code == 200
    assert post_event(evt).status_code == 200
    assert StripeEvent.objects.filter(event_id=evt["id"]).count() == 1


# Checkout sessions -----------------------------------------------------------------------------


def test_checkout_completed_marks_the_gift_paid_once_and_sends_one_receipt(
    give, fake_stripe, post_event, django_capture_on_commit_callbacks, caplog
):
    donation = give()
    evt = _completed_event(fake_stripe, donation)
    with caplog.at_level(logging.INFO, logger="ijm.payments"):
        with django_capture_on_commit_callbacks(execute=True):
            first = post_event(evt)
        with django_capture_on_commit_callbacks(execute=True):
            again = post_event(evt)

    assert first.status_code == again.status_code == 200
    assert again.content == b"already processed"
    donation.refresh_from_db()
    assert donation.status == "paid"
    assert donation.paid_at is not None
    assert donation.stripe_payment_intent_id.startswith("pi_test_")
    assert donation.stripe_customer_id.startswith("cus_test_")
    assert Donation.objects.count() == 1
    assert StripeEvent.objects.count() == 1
    [receipt] = mail.outbox
    assert receipt.to == ["maria@example.com"]
    assert donation.receipt_number in receipt.subject
    assert "₱1,000 (PHP)" in receipt.body and "One-time" in receipt.body
    assert "IJM Philippines" in receipt.body
    assert receipt.alternatives[0][1] == "text/html"
    messages = [record.getMessage() for record in caplog.records]
    lines = [m for m in messages if "checkout.session.completed" in m]
    assert len(lines) == 2 and "repeat ignored" in lines[1]
    assert "maria" not in caplog.text.lower()


def test_an_amount_stripe_reports_differently_is_what_we_record(give, fake_stripe, post_event):
    donation = give()
    evt = _completed_event(fake_stripe, donation)
    evt["data"]["object"]["amount_total"] = 123400
    post_event(evt)
    donation.refresh_from_db()
    assert donation.amount == 123400
    assert donation.needs_attention
    assert "₱1,234" in donation.attention_reason and "₱1,000" in donation.attention_reason


def test_a_currency_stripe_reports_differently_is_flagged(give, fake_stripe, post_event):
    donation = give()
    evt = _completed_event(fake_stripe, donation)
    evt["data"]["object"]["currency"] = "usd"
    post_event(evt)
    donation.refresh_from_db()
    assert (donation.currency, donation.needs_attention) == ("USD", True)


def test_the_amount_the_donor_chose_raises_no_flag(give, fake_stripe, post_event):
    donation = give()
    post_event(_completed_event(fake_stripe, donation))
    donation.refresh_from_db()
    assert donation.status == "paid" and not donation.needs_attention


def test_an_async_payment_succeeds_later(give, fake_stripe, post_event):
    donation = give()
    evt = _completed_event(fake_stripe, donation)
    evt["data"]["object"]["payment_status"] = "unpaid"
    post_event(evt)
    donation.refresh_from_db()
    assert donation.status == "pending"
    assert donation.stripe_payment_intent_id  # ids are kept even before payment

    session = {**evt["data"]["object"], "payment_status": "paid"}
    post_event(stripe_shapes.event("checkout.session.async_payment_succeeded", session))
    donation.refresh_from_db()
    assert donation.status == "paid"


def test_an_async_payment_that_fails_marks_the_gift_failed(give, fake_stripe, post_event):
    donation = give()
    evt = _completed_event(fake_stripe, donation)
    session = {**evt["data"]["object"], "payment_status": "unpaid"}
    post_event(stripe_shapes.event("checkout.session.async_payment_failed", session))
    donation.refresh_from_db()
    assert donation.status == "failed"
    assert donation.failure_reason == "The payment did not go through."


def test_an_expired_session_marks_a_pending_gift_expired_but_never_a_paid_one(
    give, fake_stripe, post_event
):
    pending, paid = give(), give(email="b@example.com")
    post_event(_completed_event(fake_stripe, paid))
    for donation in (pending, paid):
        session = dict(fake_stripe.sessions[donation.stripe_checkout_session_id])
        expired = {**session, "status": "expired"}
        post_event(stripe_shapes.event("checkout.session.expired", expired))
    pending.refresh_from_db()
    paid.refresh_from_db()
    assert pending.status == "expired"
    assert paid.status == "paid"


def test_a_session_that_is_not_ours_is_ignored(fake_stripe, post_event):
    session = fake_stripe.create_session({"mode": "payment", "client_reference_id": "9999"})
    [evt] = fake_stripe.complete_session(session["id"])
    assert post_event(evt).status_code == 200
    assert not Donation.objects.exists()


# Refunds and disputes --------------------------------------------------------------------------


def test_a_full_refund_turns_a_paid_gift_refunded_and_it_never_returns_to_paid(
    give, fake_stripe, post_event
):
    donation = give()
    completed = _completed_event(fake_stripe, donation)
    post_event(completed)
    donation.refresh_from_db()
    post_event(fake_stripe.refund(donation.stripe_payment_intent_id))
    donation.refresh_from_db()
    assert donation.status == "refunded"
    assert donation.refunded_amount == donation.amount

    # A late copy of the completion (a new delivery id) does not make it paid again.
    late = {**completed, "id": "evt_late_copy"}
    assert post_event(late).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "refunded"


def test_a_partial_refund_keeps_the_gift_paid_and_records_the_amount(give, fake_stripe, post_event):
    donation = give()
    post_event(_completed_event(fake_stripe, donation))
    donation.refresh_from_db()
    post_event(fake_stripe.refund(donation.stripe_payment_intent_id, amount=30000))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == ("paid", 30000)
    post_event(fake_stripe.refund(donation.stripe_payment_intent_id, amount=100000))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == ("refunded", 100000)


def test_a_refund_that_arrives_before_the_completion_wins(give, fake_stripe, post_event):
    donation = give()
    completed = _completed_event(fake_stripe, donation)
    payment_intent = completed["data"]["object"]["payment_intent"]
    refund = fake_stripe.refund(payment_intent)

    assert post_event(refund).status_code == 200  # found through the PaymentIntent's metadata
    assert post_event(completed).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "refunded"
    assert donation.stripe_payment_intent_id == payment_intent
    assert fake_stripe.calls("GET", f"/v1/payment_intents/{payment_intent}")


def test_a_refund_of_a_payment_that_is_not_ours_is_ignored(fake_stripe, post_event):
    intent = stripe_shapes.payment_intent_object(5000, "usd", None, {})
    fake_stripe.payment_intents[intent["id"]] = intent
    evt = fake_stripe.refund(intent["id"])
    assert post_event(evt).status_code == 200
    assert post_event(stripe_shapes.event("charge.refunded", {
        **evt["data"]["object"], "payment_intent": None})).status_code == 200  # fmt: skip


def test_a_refund_for_a_gift_not_yet_here_asks_stripe_to_retry(fake_stripe, post_event):
    intent = stripe_shapes.payment_intent_object(5000, "usd", None, {"donation_id": "424242"})
    fake_stripe.payment_intents[intent["id"]] = intent
    evt = fake_stripe.refund(intent["id"])
    assert post_event(evt).status_code == 409
    assert not StripeEvent.objects.exists()  # not kept, so Stripe's retry is applied


def test_disputes_open_and_close_won(give, fake_stripe, post_event):
    donation = give()
    post_event(_completed_event(fake_stripe, donation))
    donation.refresh_from_db()
    intent = fake_stripe.payment_intents[donation.stripe_payment_intent_id]
    post_event(stripe_shapes.event("charge.dispute.created", stripe_shapes.dispute_object(intent)))
    donation.refresh_from_db()
    assert donation.status == "disputed"
    won = stripe_shapes.dispute_object(intent, status="won")
    post_event(stripe_shapes.event("charge.dispute.closed", won))
    donation.refresh_from_db()
    assert (donation.status, donation.dispute_outcome) == ("paid", "won")


def test_a_lost_dispute_closed_before_its_opening_stays_disputed(give, fake_stripe, post_event):
    donation = give()
    post_event(_completed_event(fake_stripe, donation))
    donation.refresh_from_db()
    intent = fake_stripe.payment_intents[donation.stripe_payment_intent_id]
    lost = stripe_shapes.dispute_object(intent, status="lost")
    post_event(stripe_shapes.event("charge.dispute.closed", lost))
    post_event(stripe_shapes.event("charge.dispute.created", stripe_shapes.dispute_object(intent)))
    donation.refresh_from_db()
    assert (donation.status, donation.dispute_outcome) == ("disputed", "lost")


def test_a_dispute_never_reopens_a_refunded_gift(give, fake_stripe, post_event):
    donation = give()
    post_event(_completed_event(fake_stripe, donation))
    donation.refresh_from_db()
    post_event(fake_stripe.refund(donation.stripe_payment_intent_id))
    intent = fake_stripe.payment_intents[donation.stripe_payment_intent_id]
    post_event(stripe_shapes.event("charge.dispute.created", stripe_shapes.dispute_object(intent)))
    donation.refresh_from_db()
    assert donation.status == "refunded"


# Monthly gifts ---------------------------------------------------------------------------------


def test_a_monthly_checkout_creates_the_recurring_gift_and_its_first_invoice_is_not_counted_twice(
    give, fake_stripe, post_event, django_capture_on_commit_callbacks
):
    donation = _monthly(give)
    completed, first_invoice = fake_stripe.complete_session(donation.stripe_checkout_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(first_invoice)  # the invoice may come first
        post_event(completed)
        post_event(first_invoice)

    gift = RecurringGift.objects.get()
    donation.refresh_from_db()
    assert gift.stripe_subscription_id == completed["data"]["object"]["subscription"]
    assert (gift.amount, gift.currency, gift.status) == (2500, "USD", "active")
    assert donation.recurring_gift == gift
    assert donation.status == "paid"
    assert donation.stripe_invoice_id == first_invoice["data"]["object"]["id"]
    assert donation.stripe_payment_intent_id.startswith("pi_test_")  # from Stripe's list
    assert Donation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_each_later_invoice_is_a_new_donation_of_the_recurring_gift(
    give, fake_stripe, post_event, django_capture_on_commit_callbacks
):
    donation = _monthly(give)
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        post_event(evt)
    gift = RecurringGift.objects.get()

    renewal = fake_stripe.renew(gift.stripe_subscription_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(renewal).status_code == 200
        assert post_event(renewal).status_code == 200

    assert gift.donations.count() == 2
    second = gift.donations.exclude(pk=donation.pk).get()
    assert (second.status, second.amount, second.currency, second.frequency) == (
        "paid", 2500, "USD", "monthly",
    )  # fmt: skip
    assert second.stripe_invoice_id == renewal["data"]["object"]["id"]
    assert second.donor_email == "maria@example.com"
    assert second.stripe_checkout_session_id is None
    [receipt] = mail.outbox
    assert "one payment of your monthly gift" in receipt.body


def test_an_invoice_with_its_payments_included_needs_no_extra_call(give, fake_stripe, post_event):
    donation = _monthly(give)
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        post_event(evt)
    gift = RecurringGift.objects.get()
    invoice = stripe_shapes.invoice_object(
        subscription=gift.stripe_subscription_id, customer="cus_x", amount=2500, currency="usd",
        billing_reason="subscription_cycle", metadata={}, include_payments="pi_included_1",
    )  # fmt: skip
    calls_before = len(fake_stripe.calls("GET", "/v1/invoice_payments"))
    post_event(stripe_shapes.event("invoice.paid", invoice))
    assert Donation.objects.get(stripe_invoice_id=invoice["id"]).stripe_payment_intent_id == (
        "pi_included_1"
    )
    assert len(fake_stripe.calls("GET", "/v1/invoice_payments")) == calls_before


def test_a_failed_monthly_payment_is_recorded_and_the_donor_gets_a_note(
    give, fake_stripe, post_event, django_capture_on_commit_callbacks
):
    donation = _monthly(give)
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        post_event(evt)
    gift = RecurringGift.objects.get()
    mail.outbox.clear()

    failed = fake_stripe.renew(gift.stripe_subscription_id, paid=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(failed)
        post_event(failed)
    attempt = Donation.objects.get(stripe_invoice_id=failed["data"]["object"]["id"])
    assert attempt.status == "failed"
    assert attempt.recurring_gift == gift
    [note] = mail.outbox
    assert note.subject == "Your monthly gift did not go through"
    assert "$25" in note.body

    # Stripe's retry of that invoice succeeds: the same Donation becomes paid.
    paid_invoice = {**failed["data"]["object"], "status": "paid", "amount_paid": 2500}
    post_event(stripe_shapes.event("invoice.paid", paid_invoice))
    attempt.refresh_from_db()
    assert attempt.status == "paid"
    assert gift.donations.count() == 2


def test_a_failed_first_invoice_fails_the_checkouts_gift(give, fake_stripe, post_event):
    donation = _monthly(give)
    invoice = stripe_shapes.invoice_object(
        subscription="sub_x", customer="cus_x", amount=2500, currency="usd",
        billing_reason="subscription_create", metadata={"donation_id": str(donation.pk)},
        status="open",
    )  # fmt: skip
    post_event(stripe_shapes.event("invoice.payment_failed", invoice))
    donation.refresh_from_db()
    assert donation.status == "failed"
    assert not mail.outbox


def test_an_invoice_for_an_unknown_subscription_asks_stripe_to_retry(fake_stripe, post_event):
    invoice = stripe_shapes.invoice_object(
        subscription="sub_unknown", customer="cus_x", amount=2500, currency="usd",
        billing_reason="subscription_cycle", metadata={},
    )  # fmt: skip
    assert post_event(stripe_shapes.event("invoice.paid", invoice)).status_code == 409
    one_off = {**invoice, "parent": None}
    assert post_event(stripe_shapes.event("invoice.paid", one_off)).status_code == 200
    assert not Donation.objects.exists()


def test_subscription_updates_apply_in_order_and_cancellation_is_final(
    give, fake_stripe, post_event
):
    donation = _monthly(give)
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        post_event(evt)
    gift = RecurringGift.objects.get()
    sub = gift.stripe_subscription_id

    def sub_event(type_, status, created):
        obj = stripe_shapes.subscription_object(sub, gift.stripe_customer_id, status, {})
        return stripe_shapes.event(type_, obj, created=created)

    post_event(sub_event("customer.subscription.updated", "past_due", 2_000_000_000))
    gift.refresh_from_db()
    assert gift.status == "past_due"
    post_event(sub_event("customer.subscription.updated", "active", 1_999_999_000))  # older
    gift.refresh_from_db()
    assert gift.status == "past_due"
    post_event(sub_event("customer.subscription.deleted", "canceled", 2_000_000_100))
    post_event(sub_event("customer.subscription.updated", "active", 2_000_000_200))
    gift.refresh_from_db()
    assert gift.status == "canceled"
    assert gift.canceled_at is not None


def test_subscription_events_for_unknown_subscriptions_are_ignored(fake_stripe, post_event):
    obj = stripe_shapes.subscription_object("sub_nope", "cus_1", "active", {})
    for type_ in ("customer.subscription.updated", "customer.subscription.deleted"):
        assert post_event(stripe_shapes.event(type_, obj)).status_code == 200
    assert not RecurringGift.objects.exists()


def test_the_log_line_carries_stripes_request_id(give, fake_stripe, post_event, caplog):
    evt = _completed_event(fake_stripe, give())
    evt["request"] = {"id": "req_abc123", "idempotency_key": None}
    with caplog.at_level(logging.INFO, logger="ijm.payments"):
        post_event(evt)
    [line] = [r.getMessage() for r in caplog.records if evt["id"] in r.getMessage()]
    assert "type=checkout.session.completed" in line and "request_id=req_abc123" in line


def test_a_refund_larger_than_the_gift_is_clamped_and_flagged(give, fake_stripe, post_event):
    donation = give()
    post_event(_completed_event(fake_stripe, donation))
    donation.refresh_from_db()
    post_event(fake_stripe.refund(donation.stripe_payment_intent_id, amount=5_000_000))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_amount) == ("refunded", donation.amount)
    assert donation.needs_attention and "₱50,000" in donation.attention_reason


# Malformed but signed events are refused at the door -------------------------------------------


def _malformed(fake_stripe, give, change):
    evt = _completed_event(fake_stripe, give())
    change(evt, evt["data"]["object"])
    return evt


MALFORMED = {
    "a list as type": lambda e, o: e.update(type=["checkout.session.completed"]),
    "a NUL in the id": lambda e, o: e.update(id="evt_\x00abc"),
    "a session without id": lambda e, o: o.pop("id"),
    "a negative amount": lambda e, o: o.update(amount_total=-100),
    "an amount above Stripe's maximum": lambda e, o: o.update(amount_total=100_000_000),
    "an amount as text": lambda e, o: o.update(amount_total="1000"),
    "metadata as a list": lambda e, o: o.update(metadata=["donation_id"]),
    "a customer as a number": lambda e, o: o.update(customer=12),
    "created as text": lambda e, o: e.update(created="yesterday"),
    "data.object as a list": lambda e, o: e["data"].update(object=[o]),
    "a boolean amount": lambda e, o: o.update(amount_total=True),
}


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_but_malformed_event_is_refused_and_logged(
    give, fake_stripe, post_event, caplog, change
):
    evt = _malformed(fake_stripe, give, change)
    with caplog.at_level(logging.WARNING, logger="ijm.payments"):
        response = post_event(evt)
    assert response.status_code == 400
    assert response.content.startswith(b"malformed event")
    assert "malformed" in caplog.text
    assert not StripeEvent.objects.exists()
    assert Donation.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("type_", "obj"),
    [
        ("charge.refunded", {"id": "ch_1", "payment_intent": "pi_1", "amount_refunded": -5}),
        ("invoice.paid", {"id": "in_1", "parent": {"subscription_details": ["sub_1"]}}),
        ("invoice.paid", {"id": "in_1", "payments": {"data": "none"}}),
        ("customer.subscription.deleted", {"id": "sub_1", "status": ["canceled"]}),
        ("charge.dispute.closed", {"id": "dp_1", "payment_intent": {"no": "id"}}),
    ],
)
def test_every_event_type_we_read_is_checked(fake_stripe, post_event, type_, obj):
    assert post_event(stripe_shapes.event(type_, obj)).status_code == 400


# Events that arrive before their gift --------------------------------------------------------


def test_a_cancellation_before_the_checkout_completes_is_kept(give, fake_stripe, post_event):
    """Finding 2: the donor cancels at once; Stripe's events reach us in the other order."""
    donation = _monthly(give)
    completed, first_invoice = fake_stripe.complete_session(donation.stripe_checkout_session_id)
    subscription = completed["data"]["object"]["subscription"]
    deleted = fake_stripe.set_subscription_status(subscription, "canceled")

    assert post_event(deleted).status_code == 200
    assert post_event(completed).status_code == 200
    assert post_event(first_invoice).status_code == 200
    gift = RecurringGift.objects.get()
    assert gift.stripe_subscription_id == subscription
    assert gift.status == "canceled"
    donation.refresh_from_db()
    assert donation.status == "paid" and donation.recurring_gift == gift


def test_a_past_due_update_before_the_checkout_completes_is_kept(give, fake_stripe, post_event):
    donation = _monthly(give)
    completed, _ = fake_stripe.complete_session(donation.stripe_checkout_session_id)
    subscription = completed["data"]["object"]["subscription"]
    assert (
        post_event(fake_stripe.set_subscription_status(subscription, "past_due")).status_code == 200
    )
    post_event(completed)
    assert RecurringGift.objects.get().status == "past_due"


@pytest.mark.parametrize("metadata", [{}, {"donation_id": "999999"}, {"donation_id": "x"}])
def test_a_subscription_that_is_not_ours_gets_200_and_changes_nothing(
    fake_stripe, post_event, metadata
):
    obj = stripe_shapes.subscription_object("sub_elsewhere", "cus_1", "canceled", metadata)
    for type_ in ("customer.subscription.updated", "customer.subscription.deleted"):
        assert post_event(stripe_shapes.event(type_, obj)).status_code == 200
    assert not RecurringGift.objects.exists()


def test_a_renewal_refunded_before_its_invoice_paid_waits_for_it(give, fake_stripe, post_event):
    donation = _monthly(give)
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        post_event(evt)
    gift = RecurringGift.objects.get()
    renewal = fake_stripe.renew(gift.stripe_subscription_id)
    [payment] = fake_stripe.invoice_payments[renewal["data"]["object"]["id"]]
    refund = fake_stripe.refund(payment["payment"]["payment_intent"])

    assert post_event(refund).status_code == 409  # Stripe will deliver it again
    assert post_event(renewal).status_code == 200
    assert post_event(refund).status_code == 200
    renewed = Donation.objects.get(stripe_invoice_id=renewal["data"]["object"]["id"])
    assert (renewed.status, renewed.refunded_amount) == ("refunded", 2500)


def test_a_refund_of_someone_elses_subscription_payment_gets_200(fake_stripe, post_event):
    fake_stripe.subscriptions["sub_other"] = {
        "customer": "cus_o", "amount": 900, "currency": "usd", "metadata": {},
    }  # fmt: skip
    renewal = fake_stripe.renew("sub_other")
    [payment] = fake_stripe.invoice_payments[renewal["data"]["object"]["id"]]
    assert post_event(fake_stripe.refund(payment["payment"]["payment_intent"])).status_code == 200


# Stripe is read before the transaction, never while our rows are locked ------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_webhook_makes_no_stripe_call_inside_its_transaction(give, fake_stripe, post_event):
    from django.db import connections

    webhook_connection = connections["default"]  # this thread's, where the webhook runs
    seen = []
    fake_stripe.on_request.append(
        lambda method, path: seen.append((path, webhook_connection.in_atomic_block))
    )
    monthly = _monthly(give)
    for evt in fake_stripe.complete_session(monthly.stripe_checkout_session_id):
        assert post_event(evt).status_code == 200
    gift = RecurringGift.objects.get()
    assert post_event(fake_stripe.renew(gift.stripe_subscription_id)).status_code == 200
    once = give(email="other@example.com")
    [completed] = fake_stripe.complete_session(once.stripe_checkout_session_id)
    payment_intent = completed["data"]["object"]["payment_intent"]
    assert post_event(fake_stripe.refund(payment_intent)).status_code == 200

    during_webhooks = [entry for entry in seen if "checkout/sessions" not in entry[0]]
    paths = {path for path, _ in during_webhooks}
    assert "/v1/invoice_payments" in paths and f"/v1/payment_intents/{payment_intent}" in paths
    assert [path for path, in_transaction in during_webhooks if in_transaction] == []
    assert Donation.objects.get(pk=once.pk).status == "refunded"


def test_the_receipt_is_queued_in_the_same_transaction_as_the_payment(
    give, fake_stripe, post_event, settings
):
    """With the durable queue, the receipt's task row commits with the gift's new status: no
    moment after the commit exists in which a crash could leave a paid gift without its receipt.
    (This test's transaction never commits, so after-commit callbacks never run here.)"""
    from django_tasks_db.models import DBTaskResult

    from ijm_site.taskqueue import BACKEND

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        BACKEND: {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]},
    }
    donation = give()
    assert post_event(_completed_event(fake_stripe, donation)).status_code == 200

    [queued] = DBTaskResult.objects.filter(backend_name=BACKEND)
    assert queued.task_path == "donations.tasks.send_receipt"
    assert queued.args_kwargs["args"] == [donation.pk]
    assert mail.outbox == []
