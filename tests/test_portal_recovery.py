"""A failed monthly payment: one kind email per failed invoice, linking to the request form;
a later payment recorded as recovered; Finance sees the gifts at risk on the dashboard."""

import pytest
from django.core import mail

from donor_portal.models import GiftChange, PaymentFailure
from tests.admin_users import signed_in
from tests.conftest import visible_text
from tests.portal_steps import deliver_events

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.portal_fixtures"]


def _fail(fake, post_event, gift) -> str:
    evt = fake.fail_renewal(gift.stripe_subscription_id)
    assert set(deliver_events(fake, post_event)) == {200}
    return evt["data"]["object"]["id"]


def test_a_failed_invoice_sends_one_kind_email_with_the_request_form(
    monthly_gift, fake_stripe, post_event
):
    gift = monthly_gift(email="maria@example.com")
    mail.outbox.clear()
    invoice = _fail(fake_stripe, post_event, gift)
    fake_stripe.retry_invoice(invoice, paid=False)  # Stripe retries the same invoice
    assert set(deliver_events(fake_stripe, post_event)) == {200}
    [note] = mail.outbox
    assert note.subject == "Your monthly gift did not go through"
    assert "nothing you did wrong" in note.body
    assert "http://testserver/monthly-gift/" in note.body
    assert "token=" not in note.body  # a 30-minute link would be dead before most read it
    assert PaymentFailure.objects.get().stripe_invoice_id == invoice
    assert GiftChange.objects.filter(gift=gift, action="payment_failed").count() == 1


def test_a_later_payment_is_recorded_as_recovered(monthly_gift, fake_stripe, post_event):
    gift = monthly_gift(email="maria@example.com")
    invoice = _fail(fake_stripe, post_event, gift)
    fake_stripe.retry_invoice(invoice, paid=True)
    assert set(deliver_events(fake_stripe, post_event)) == {200}
    failure = PaymentFailure.objects.get()
    assert failure.recovered_at is not None and failure.recovered_by_invoice == invoice
    assert GiftChange.objects.filter(gift=gift, action="payment_recovered").count() == 1
    assert gift.donations.get(stripe_invoice_id=invoice).status == "paid"


def test_finance_sees_gifts_at_risk_on_the_dashboard(monthly_gift, fake_stripe, post_event):
    at_risk = monthly_gift(email="maria@example.com")
    monthly_gift(email="jose@example.com", amount_choice="1000")
    past_due = monthly_gift(email="ana@example.com", amount_choice="5000")
    invoice = _fail(fake_stripe, post_event, at_risk)
    fake_stripe.set_subscription_status(past_due.stripe_subscription_id, "past_due")
    deliver_events(fake_stripe, post_event)

    finance = signed_in("fiona", "Finance")
    text = visible_text(finance.get("/admin/").content.decode())
    assert "Monthly gifts at risk" in text
    assert "2 monthly gifts are past due" in text
    assert "maria@example.com" in text and "ana@example.com" in text
    assert "jose@example.com" not in text

    editor = signed_in("eddie", "Editors")
    assert "Monthly gifts at risk" not in visible_text(editor.get("/admin/").content.decode())

    fake_stripe.retry_invoice(invoice, paid=True)
    deliver_events(fake_stripe, post_event)
    text = visible_text(finance.get("/admin/").content.decode())
    assert "1 monthly gift is past due" in text and "maria@example.com" not in text
