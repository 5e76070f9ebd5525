"""`manage.py reconcile_donations` repairs gifts whose webhook never arrived."""

import io
import time

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from donations.models import Donation, RecurringGift
from tests.test_donations_checkout import DONATE_URL, _gift

pytestmark = pytest.mark.django_db


def _reconcile(*args) -> str:
    out = io.StringIO()
    call_command("reconcile_donations", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def lost_webhooks(client, fake_stripe, donate_page):
    """Four gifts started; Stripe knows how each ended, but no webhook reached us."""

    def start(**overrides) -> Donation:
        assert client.post(DONATE_URL, _gift(client, **overrides)).status_code == 303
        return Donation.objects.latest("pk")

    once = start()
    monthly = start(currency="USD", frequency="monthly", amount_choice="2500")
    expired = start(amount_choice="50000")
    still_open = start(amount_choice="250000")
    old = start(amount_choice="500000")
    fake_stripe.complete_session(once.stripe_checkout_session_id)
    fake_stripe.complete_session(monthly.stripe_checkout_session_id)
    fake_stripe.sessions[expired.stripe_checkout_session_id]["status"] = "expired"
    fake_stripe.complete_session(old.stripe_checkout_session_id)
    fake_stripe.sessions[old.stripe_checkout_session_id]["created"] = int(time.time()) - 10 * 86400
    fake_stripe.take_events()  # lost on the way
    return {"once": once, "monthly": monthly, "expired": expired, "open": still_open, "old": old}


def test_reconciliation_repairs_each_gift_and_says_what_it_changed(
    lost_webhooks, fake_stripe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = _reconcile("--since", "3")

    status = {name: Donation.objects.get(pk=d.pk).status for name, d in lost_webhooks.items()}
    assert status == {
        "once": "paid", "monthly": "paid", "expired": "expired", "open": "pending",
        "old": "pending",
    }  # fmt: skip
    gift = RecurringGift.objects.get()
    assert Donation.objects.get(pk=lost_webhooks["monthly"].pk).recurring_gift == gift
    once = lost_webhooks["once"]
    assert f"donation {once.pk} ({once.stripe_checkout_session_id}): pending -> paid" in output
    assert f"monthly gift {gift.pk} recorded" in output
    assert "pending -> expired" in output
    assert "Checked 4 checkout session(s) from the last 3 day(s); changed 3 gift(s)." in output
    assert len(mail.outbox) == 2  # the receipts the webhooks would have sent

    [listing] = fake_stripe.calls("GET", "/v1/checkout/sessions")[:1]
    assert int(listing.params["created"]["gte"]) <= time.time() - 3 * 86400 + 5


def test_a_second_run_changes_nothing(lost_webhooks, fake_stripe):
    _reconcile("--since", "3")
    before = list(Donation.objects.values_list("pk", "status", "updated_at"))
    output = _reconcile("--since", "3")
    assert "changed 0 gift(s)" in output
    assert list(Donation.objects.values_list("pk", "status", "updated_at")) == before


def test_a_wider_window_reaches_older_sessions(lost_webhooks, fake_stripe):
    output = _reconcile("--since", "30")
    assert Donation.objects.get(pk=lost_webhooks["old"].pk).status == "paid"
    assert "changed 4 gift(s)" in output


def test_it_follows_stripes_pagination(client, fake_stripe, donate_page, settings):
    for n in range(3):
        client.post(DONATE_URL, _gift(client, email=f"p{n}@example.com"))
    from donations import stripe_client

    seen = list(stripe_client.list_checkout_sessions(0))
    assert len(seen) == 3
    fake_stripe.requests.clear()
    pages = stripe_client.client().v1.checkout.sessions.list(params={"limit": 2}).auto_paging_iter()
    assert len(list(pages)) == 3
    assert len(fake_stripe.calls("GET", "/v1/checkout/sessions")) == 2


def test_without_stripe_keys_it_refuses_clearly(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY is not set"):
        _reconcile("--since", "3")


def test_stripe_failing_is_reported(fake_stripe):
    fake_stripe.fail_next(2, status=500)
    with pytest.raises(CommandError, match="Stripe could not be read"):
        _reconcile("--since", "3")


def test_a_nonsense_window_is_refused(fake_stripe):
    with pytest.raises(CommandError, match="at least 1 day"):
        _reconcile("--since", "0")


def test_it_repairs_monthly_gifts_from_their_subscriptions_status(lost_webhooks, fake_stripe):
    """A cancellation (or a card gone past due) whose event was lost is read back from Stripe."""
    _reconcile("--since", "3")
    gift = RecurringGift.objects.get()
    assert gift.status == "active"
    fake_stripe.set_subscription_status(gift.stripe_subscription_id, "canceled")
    fake_stripe.take_events()  # lost as well

    output = _reconcile("--since", "3")
    gift.refresh_from_db()
    assert gift.status == "canceled" and gift.canceled_at is not None
    assert f"monthly gift {gift.pk} ({gift.stripe_subscription_id}): active -> canceled" in output
    assert fake_stripe.calls("GET", f"/v1/subscriptions/{gift.stripe_subscription_id}")

    again = _reconcile("--since", "3")
    assert "Checked 0 monthly gift(s) with Stripe; changed 0." in again  # ended gifts stay ended


def test_a_past_due_subscription_is_brought_in(lost_webhooks, fake_stripe):
    _reconcile("--since", "3")
    gift = RecurringGift.objects.get()
    fake_stripe.set_subscription_status(gift.stripe_subscription_id, "past_due")
    output = _reconcile("--since", "3")
    assert "Checked 1 monthly gift(s) with Stripe; changed 1." in output
    gift.refresh_from_db()
    assert gift.status == "past_due"


def test_a_renewal_refunded_before_its_invoice_paid_is_repaired(
    client, fake_stripe, donate_page, post_event
):
    """The refund's event came first and found no gift; the renewal came later as paid."""
    assert client.post(DONATE_URL, _gift(client, currency="USD", frequency="monthly",
                                         amount_choice="2500")).status_code == 303  # fmt: skip
    donation = Donation.objects.get()
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        post_event(evt)
    gift = RecurringGift.objects.get()
    renewal = fake_stripe.renew(gift.stripe_subscription_id)
    [payment] = fake_stripe.invoice_payments[renewal["data"]["object"]["id"]]
    fake_stripe.refund(payment["payment"]["payment_intent"])
    fake_stripe.take_events()
    post_event(renewal)  # the refund's own event never came back
    renewed = Donation.objects.get(stripe_invoice_id=renewal["data"]["object"]["id"])
    assert renewed.status == "paid"

    output = _reconcile("--since", "3")
    renewed.refresh_from_db()
    assert (renewed.status, renewed.refunded_amount) == ("refunded", 2500)
    assert f"donation {renewed.pk}" in output and "paid -> refunded" in output
    assert "Recorded refunds on 0 gift(s)." in _reconcile("--since", "3")
