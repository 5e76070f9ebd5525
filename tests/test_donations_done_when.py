"""The issue's "done when", at the HTTP level: ₱1,500 once and $25 monthly, end to end."""

import csv
import http.client
import io
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from tests.conftest import visible_text

pytestmark = pytest.mark.django_db


def _form_token(client) -> str:
    html = client.get("/donate/").content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _visit_hosted_checkout(url: str) -> str:
    """What the donor's browser does on Stripe's page: open it, pay, get sent back to us."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", parts.path)
    response = connection.getresponse()
    assert response.status == 303
    location = response.getheader("Location")
    connection.close()
    return location


def _export(client) -> list[dict]:
    response = client.get("/admin/donations/", {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_a_donor_gives_once_and_monthly_and_finance_sees_each_payment_once(
    client, fake_stripe, donate_page, post_event, django_user_model
):
    once = client.post("/donate/", {
        "currency": "PHP", "frequency": "once", "amount_choice": "other",
        "custom_amount": "1,500", "name": "Ana Reyes", "email": "ana@example.com",
        "form_token": _form_token(client),
    })  # fmt: skip
    monthly = client.post("/donate/", {
        "currency": "USD", "frequency": "monthly", "amount_choice": "2500",
        "name": "Ben Cruz", "email": "ben@example.com", "form_token": _form_token(client),
    })  # fmt: skip
    assert once.status_code == monthly.status_code == 303

    sessions = [call.params for call in fake_stripe.calls("POST", "/v1/checkout/sessions")]
    received = [
        (s["mode"], s["line_items"][0]["price_data"]["unit_amount"],
         s["line_items"][0]["price_data"]["currency"])
        for s in sessions
    ]  # fmt: skip
    assert received == [("payment", "150000", "php"), ("subscription", "2500", "usd")]

    # Each donor pays on the hosted page and comes back to the thank-you page.
    for response, name in ((once, "Ana Reyes"), (monthly, "Ben Cruz")):
        back = _visit_hosted_checkout(response["Location"])
        thanks = client.get(back.replace("http://testserver", ""))
        assert f"Thank you, {name}!" in visible_text(thanks.content.decode())

    # Stripe's webhooks, one of them delivered twice, then next month's renewal.
    events = fake_stripe.take_events()
    assert [e["type"] for e in events] == [
        "checkout.session.completed", "checkout.session.completed", "invoice.paid",
    ]  # fmt: skip
    for evt in [*events, events[0]]:
        assert post_event(evt).status_code == 200
    subscription = events[1]["data"]["object"]["subscription"]
    assert post_event(fake_stripe.renew(subscription)).status_code == 200

    finance = django_user_model.objects.create_user(username="finance", password="pw-123456789")
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    rows = _export(client)
    ana = [r for r in rows if r["Donor email"] == "ana@example.com"]
    ben = [r for r in rows if r["Donor email"] == "ben@example.com"]
    assert [(r["Status"], r["Amount"], r["Frequency"]) for r in ana] == [("paid", "₱1,500", "once")]
    assert [(r["Status"], r["Amount"], r["Frequency"]) for r in ben] == [
        ("paid", "US$25", "monthly"),
        ("paid", "US$25", "monthly"),
    ]

    # A refund turns the one-time gift to refunded.
    payment_intent = ana[0]["Stripe payment intent id"]
    assert post_event(fake_stripe.refund(payment_intent)).status_code == 200
    ana = [r for r in _export(client) if r["Donor email"] == "ana@example.com"]
    assert [r["Status"] for r in ana] == ["refunded"]
