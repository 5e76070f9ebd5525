"""Giving through the donate form: what the donor sees and what Stripe receives."""

import logging
import re

import pytest

from donations.models import Donation
from tests.conftest import visible_text

pytestmark = pytest.mark.django_db

DONATE_URL = "/donate/"


def _token(client) -> str:
    html = client.get(DONATE_URL).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _gift(client, **overrides) -> dict:
    data = {
        "currency": "PHP",
        "frequency": "once",
        "amount_choice": "100000",
        "custom_amount": "",
        "name": "Maria Santos",
        "email": "maria@example.com",
        "form_token": _token(client),
    }
    data.update(overrides)
    return data


def _field_errors(html: str) -> list[str]:
    return [visible_text(m) for m in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', html)]


# The page --------------------------------------------------------------------------------------


def test_the_donate_page_shows_the_default_presets_as_tappable_choices(
    client, fake_stripe, donate_page
):
    html = client.get(DONATE_URL).content.decode()
    text = visible_text(html)
    for label in ("₱500", "₱1,000", "₱2,500", "₱5,000"):
        assert label in text
    # Every currency/frequency group is in the page for the script; only PHP one-time shows.
    assert re.search(r'data-currency="PHP" data-frequency="once">', html)
    assert re.search(r'data-currency="USD" data-frequency="monthly" hidden>', html)
    assert "<legend>How often</legend>" in html
    assert "<legend>Currency</legend>" in html
    assert "<legend>Amount</legend>" in html
    assert "Add 3.5% to cover the card processing fee" in text
    assert 'src="/static/js/donate.js"' in html
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html


def test_amount_buttons_are_at_least_44_pixels_tall():
    from pathlib import Path

    css = Path("static/css/donate.css").read_text()
    rule = re.search(r"\.choice-group__options--buttons label \{([^}]*)\}", css).group(1)
    assert "min-height: 2.75rem" in rule  # 44px at the default 16px root size


def test_without_javascript_the_show_amounts_button_brings_the_chosen_presets(
    client, fake_stripe, donate_page
):
    response = client.post(
        DONATE_URL,
        {"currency": "USD", "frequency": "monthly", "refresh": "1", "name": "Jo", "form_token": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'data-currency="USD" data-frequency="monthly">', html)
    assert re.search(r'data-currency="PHP" data-frequency="once" hidden>', html)
    assert 'value="Jo"' in html
    assert "error-summary" not in html
    assert not Donation.objects.exists()


def test_staff_presets_replace_the_defaults(client, fake_stripe, donate_page):
    donate_page.presets.all().delete()
    from donations.models import DonationPreset

    DonationPreset.objects.create(page=donate_page, currency="PHP", frequency="once", amount=750)
    text = visible_text(client.get(DONATE_URL).content.decode())
    assert "₱750" in text
    assert "₱5,000" not in text
    assert "$250" in text  # USD once keeps its defaults


def test_without_stripe_keys_the_page_says_giving_is_not_available_and_logs_why(
    client, donate_page, settings, caplog
):
    settings.STRIPE_SECRET_KEY = ""
    with caplog.at_level(logging.WARNING, logger="ijm.payments"):
        response = client.get(DONATE_URL)
        posted = client.post(DONATE_URL, {"currency": "PHP"})
    assert response.status_code == 200 and posted.status_code == 200
    assert "Online giving is not available yet" in visible_text(response.content.decode())
    assert "<form" not in response.content.decode()
    assert "online giving is off" in caplog.text and "STRIPE_SECRET_KEY" in caplog.text
    assert not Donation.objects.exists()


# Starting a checkout ---------------------------------------------------------------------------


def test_a_one_time_gift_opens_stripe_checkout_in_payment_mode(client, fake_stripe, donate_page):
    response = client.post(DONATE_URL, _gift(client))

    assert response.status_code == 303
    donation = Donation.objects.get()
    assert response["Location"] == donation.checkout_url
    assert response["Location"].startswith(fake_stripe.base_url + "/checkout/cs_test_")
    assert donation.status == "pending"
    assert (donation.amount, donation.currency, donation.frequency) == (100000, "PHP", "once")

    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    params = call.params
    assert params["mode"] == "payment"
    assert params["line_items"][0]["price_data"]["currency"] == "php"
    assert params["line_items"][0]["price_data"]["unit_amount"] == "100000"
    assert "recurring" not in params["line_items"][0]["price_data"]
    assert params["client_reference_id"] == str(donation.pk)
    assert params["metadata"]["donation_id"] == str(donation.pk)
    assert params["payment_intent_data"]["metadata"]["donation_id"] == str(donation.pk)
    assert params["customer_email"] == "maria@example.com"
    assert params["success_url"].endswith("/donate/thank-you/?session_id={CHECKOUT_SESSION_ID}")
    assert "currency=PHP" in params["cancel_url"] and "amount_choice=100000" in params["cancel_url"]
    assert "maria" not in params["cancel_url"]
    assert call.idempotency_key and str(donation.form_token) in call.idempotency_key
    assert call.stripe_version == "2026-10-28.endive"


def test_a_monthly_gift_opens_stripe_checkout_in_subscription_mode(
    client, fake_stripe, donate_page
):
    response = client.post(
        DONATE_URL, _gift(client, currency="USD", frequency="monthly", amount_choice="2500")
    )
    assert response.status_code == 303
    donation = Donation.objects.get()
    params = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].params
    assert params["mode"] == "subscription"
    assert params["line_items"][0]["price_data"] == {
        "currency": "usd",
        "unit_amount": "2500",
        "product_data": {"name": "Monthly gift to IJM Philippines"},
        "recurring": {"interval": "month"},
    }
    assert params["subscription_data"]["metadata"]["donation_id"] == str(donation.pk)
    assert "payment_intent_data" not in params


def test_a_custom_amount_with_the_fee_covered(client, fake_stripe, donate_page):
    client.post(
        DONATE_URL,
        _gift(client, amount_choice="other", custom_amount="₱1,000.50", cover_fee="on"),
    )
    donation = Donation.objects.get()
    assert donation.fee_amount == 3502  # 3.5% of 100050, rounded
    assert donation.amount == 100050 + 3502
    params = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].params
    assert params["line_items"][0]["price_data"]["unit_amount"] == str(103552)


def test_a_dedication_and_anonymity_are_kept(client, fake_stripe, donate_page):
    client.post(
        DONATE_URL,
        _gift(client, dedication_type="memory", dedication_name="Lola Rosa", is_anonymous="on"),
    )
    donation = Donation.objects.get()
    assert donation.dedication == "In memory of Lola Rosa"
    assert donation.is_anonymous


def test_a_second_submission_of_the_same_form_does_not_start_a_second_checkout(
    client, fake_stripe, donate_page
):
    data = _gift(client)
    first = client.post(DONATE_URL, data)
    second = client.post(DONATE_URL, data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Donation.objects.count() == 1
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1


def test_the_fake_replays_an_idempotent_request_like_stripe(client, fake_stripe, donate_page):
    """If our first request's answer were lost, the retry gets the same session back."""
    from donations import stripe_client

    params = {
        "mode": "payment",
        "line_items": [{"price_data": {"currency": "php", "unit_amount": 50000,
                                       "product_data": {"name": "Gift"}}, "quantity": 1}],
        "success_url": "http://testserver/ok",
    }  # fmt: skip
    first = stripe_client.create_checkout_session(params, idempotency_key="k-1")
    again = stripe_client.create_checkout_session(params, idempotency_key="k-1")
    assert first.id == again.id
    assert len(fake_stripe.sessions) == 1


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_choice": "other", "custom_amount": "-500"}, "greater than zero"),
        ({"amount_choice": "other", "custom_amount": "0"}, "greater than zero"),
        ({"amount_choice": "other", "custom_amount": "five hundred"}, "numbers only"),
        ({"amount_choice": "other", "custom_amount": "12.345"}, "two decimal places"),
        ({"amount_choice": "other", "custom_amount": "99"}, "online is ₱100."),
        ({"amount_choice": "other", "custom_amount": "1000001"}, "online is ₱1,000,000."),
        ({"currency": "USD", "amount_choice": "other", "custom_amount": "4"}, "online is US$5."),
        ({"currency": "USD", "custom_amount": "25000.01"}, "is US$25,000."),
        ({"amount_choice": "other", "custom_amount": ""}, "Enter an amount"),
        ({"currency": "EUR"}, "Choose pesos (PHP) or US dollars (USD)."),
        ({"frequency": "weekly"}, "Choose a one-time or a monthly gift."),
        ({"amount_choice": "1"}, "Choose one of the amounts shown"),
        ({"amount_choice": "250000", "frequency": "monthly"}, "Choose one of the amounts shown"),
        ({"amount_choice": ""}, "Choose an amount"),
        ({"name": ""}, "Enter your name"),
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"dedication_type": "honour", "dedication_name": ""}, "Enter the name of the person"),
        ({"dedication_name": "Lola", "dedication_type": ""}, "'in honour of' or 'in memory of'"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_message_beside_the_field_and_in_the_summary(
    client, fake_stripe, donate_page, overrides, message
):
    data = _gift(client, **overrides)
    response = client.post(DONATE_URL, data)
    html = response.content.decode()

    assert response.status_code == 200
    assert any(message in error for error in _field_errors(html)), _field_errors(html)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary and message.replace("'", "&#x27;") in summary.group(0)
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*-error\b', html)
    assert 'value="maria@example.com"' in html or overrides.get("email")
    if overrides.get("custom_amount"):
        assert f'value="{overrides["custom_amount"]}"' in html
    assert not Donation.objects.exists()
    assert not fake_stripe.calls("POST", "/v1/checkout/sessions")


def test_a_filled_honeypot_starts_no_checkout(client, fake_stripe, donate_page):
    response = client.post(DONATE_URL, _gift(client, website="http://spam.example"))
    assert response.status_code == 200
    assert not Donation.objects.exists()
    assert not fake_stripe.requests


def test_the_form_needs_a_csrf_token(fake_stripe, donate_page):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(DONATE_URL, {"currency": "PHP"})
    assert response.status_code == 403
    assert not Donation.objects.exists()


# Abuse and failures ----------------------------------------------------------------------------


def test_more_than_five_checkouts_in_ten_minutes_from_one_address_get_429(
    client, fake_stripe, donate_page
):
    statuses = [
        client.post(DONATE_URL, _gift(client, email=f"donor{n}@example.com")).status_code
        for n in range(6)
    ]
    assert statuses == [303] * 5 + [429]
    last = client.post(DONATE_URL, _gift(client, email="other@example.com"))
    assert last.status_code == 429
    assert "Please wait a few minutes" in visible_text(last.content.decode())
    assert Donation.objects.count() == 5


def test_more_than_five_checkouts_for_one_email_get_429_from_any_address(
    client, fake_stripe, donate_page
):
    statuses = [
        client.post(DONATE_URL, _gift(client), REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n in range(6)
    ]
    assert statuses == [303] * 5 + [429]


def test_stripe_failing_gives_a_calm_message_keeps_the_form_and_records_why(
    client, fake_stripe, donate_page, caplog
):
    fake_stripe.fail_next(2, status=500)  # the first try and the library's one retry
    data = _gift(client, amount_choice="other", custom_amount="1234")
    with caplog.at_level(logging.WARNING, logger="ijm.payments"):
        response = client.post(DONATE_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not open the secure payment page" in visible_text(html)
    assert 'value="1234"' in html and 'value="maria@example.com"' in html
    assert f'value="{data["form_token"]}"' not in html  # a fresh token for the next try
    donation = Donation.objects.get()
    assert donation.status == "failed"
    assert "Checkout could not start" in donation.failure_reason
    calls = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert len(calls) == 2 and calls[0].idempotency_key == calls[1].idempotency_key
    assert "checkout failed" in caplog.text

    # The donor tries again and it works.
    again = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    retry = client.post(DONATE_URL, {**data, "form_token": again})
    assert retry.status_code == 303
    assert Donation.objects.filter(status="pending").count() == 1


def test_stripe_timing_out_is_handled_like_an_error(client, fake_stripe, donate_page, settings):
    settings.STRIPE_TIMEOUT = 0.3
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    fake_stripe.fail_next(1, delay=1.0)
    response = client.post(DONATE_URL, _gift(client))
    assert response.status_code == 200
    assert "We could not open the secure payment page" in visible_text(response.content.decode())
    assert Donation.objects.get().status == "failed"
    assert "APIConnectionError" in Donation.objects.get().failure_reason


def test_the_cancel_url_brings_back_the_donors_choices(client, fake_stripe, donate_page):
    choices = {"currency": "USD", "frequency": "monthly", "amount_choice": "other"}
    client.post(DONATE_URL, _gift(client, **choices, custom_amount="30", cover_fee="on"))
    cancel_url = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].params["cancel_url"]
    html = client.get(cancel_url.replace("http://testserver", "")).content.decode()
    assert re.search(r'name="currency" value="USD" checked', html)
    assert re.search(r'name="frequency" value="monthly" checked', html)
    assert 'value="30"' in html  # the one "other amount" input, which wins over the presets
    assert not re.search(r'name="amount_choice"[^>]* checked', html)
    assert re.search(r'name="cover_fee" checked', html)


# Thank-you page --------------------------------------------------------------------------------


def test_the_thank_you_page_reads_the_session_and_changes_nothing(client, fake_stripe, donate_page):
    client.post(
        DONATE_URL, _gift(client, currency="USD", frequency="monthly", amount_choice="2500")
    )
    donation = Donation.objects.get()
    session_id = donation.stripe_checkout_session_id
    fake_stripe.sessions[session_id].update(status="complete", payment_status="paid")

    response = client.get(f"/donate/thank-you/?session_id={session_id}")
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "Thank you, Maria Santos!" in text
    assert "Your monthly gift of US$25 a month is on its way" in text
    donation.refresh_from_db()
    assert donation.status == "pending"  # only webhooks change it
    assert fake_stripe.calls("GET", f"/v1/checkout/sessions/{session_id}")


@pytest.mark.parametrize("session_id", ["", "cs_test_unknown", "not-a-session", "cs_<script>"])
def test_an_unknown_or_bad_session_id_gets_a_kind_message(
    client, fake_stripe, donate_page, session_id
):
    response = client.get("/donate/thank-you/", {"session_id": session_id})
    assert response.status_code == 200
    assert "We could not find the details of this gift just now" in visible_text(
        response.content.decode()
    )


def test_behind_the_proxy_each_donor_has_their_own_limit(client, fake_stripe, donate_page):
    """All requests reach us from the proxy; the address it forwards is the donor's."""
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(5):
        gift = _gift(client, email=f"a{n}@example.com")
        response = client.post(DONATE_URL, gift, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
        assert response.status_code == 303
    blocked = client.post(
        DONATE_URL, _gift(client, email="a9@example.com"),
        HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy,
    )  # fmt: skip
    assert blocked.status_code == 429
    # A forged first entry does not help the same donor; another donor is not affected.
    forged = client.post(
        DONATE_URL, _gift(client, email="a10@example.com"),
        HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7", **proxy,
    )  # fmt: skip
    assert forged.status_code == 429
    other = client.post(
        DONATE_URL, _gift(client, email="b@example.com"),
        HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy,
    )  # fmt: skip
    assert other.status_code == 303


def test_coming_back_from_stripe_and_changing_the_gift_starts_a_new_checkout(
    client, fake_stripe, donate_page
):
    data = _gift(client)
    first = client.post(DONATE_URL, data)
    changed = client.post(DONATE_URL, {**data, "amount_choice": "250000"})  # same page, Back
    assert first["Location"] != changed["Location"]
    assert sorted(Donation.objects.values_list("amount", flat=True)) == [100000, 250000]
    amounts = [
        c.params["line_items"][0]["price_data"]["unit_amount"]
        for c in fake_stripe.calls("POST", "/v1/checkout/sessions")
    ]
    assert amounts == ["100000", "250000"]


# Stripe's rate limit -----------------------------------------------------------------------------


def test_a_short_stripe_rate_limit_is_ridden_out_with_one_checkout(
    client, fake_stripe, donate_page
):
    """Stripe's 429 has no Stripe-Should-Retry, so the library gives up; we try again briefly."""
    fake_stripe.fail_next(2, status=429)
    response = client.post(DONATE_URL, _gift(client))
    assert response.status_code == 303
    creates = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert len(creates) == 3
    assert len({call.idempotency_key for call in creates}) == 1
    assert len(fake_stripe.sessions) == 1
    assert Donation.objects.get().stripe_checkout_session_id in fake_stripe.sessions


def test_a_donor_stripe_keeps_refusing_is_told_kindly_and_keeps_their_form(
    client, fake_stripe, donate_page
):
    fake_stripe.fail_next(20, status=429)
    gift = _gift(client, name="Ana Reyes", email="ana@example.com")
    response = client.post(DONATE_URL, gift)
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Many people are giving right now" in visible_text(html)
    assert 'value="Ana Reyes"' in html and 'value="ana@example.com"' in html
    assert f'value="{gift["form_token"]}"' in html  # the same click, tried again later
    pending = Donation.objects.get()
    assert pending.status == "pending" and not pending.stripe_checkout_session_id
    assert not fake_stripe.sessions

    fake_stripe._failures.clear()
    again = client.post(DONATE_URL, gift)
    assert again.status_code == 303
    assert Donation.objects.count() == 1
    assert len(fake_stripe.sessions) == 1
    keys = {call.idempotency_key for call in fake_stripe.calls("POST", "/v1/checkout/sessions")}
    assert len(keys) == 1


# The maximum holds for the total -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "amount", "maximum"),
    [("PHP", "1000000", "₱1,000,000"), ("USD", "25000", "$25,000")],
)
def test_the_fee_cannot_take_a_gift_over_the_maximum(
    client, fake_stripe, donate_page, currency, amount, maximum
):
    gift = _gift(
        client, currency=currency, amount_choice="other", custom_amount=amount, cover_fee="on"
    )
    response = client.post(DONATE_URL, gift)
    html = response.content.decode()
    assert response.status_code == 200
    errors = " ".join(_field_errors(html))
    assert maximum in errors and "processing fee" in errors
    assert 'value="Maria Santos"' in html and f'value="{amount}"' in html
    assert not Donation.objects.exists()
    assert not fake_stripe.calls("POST", "/v1/checkout/sessions")


def test_a_gift_at_the_maximum_without_the_fee_goes_through(client, fake_stripe, donate_page):
    gift = _gift(client, currency="USD", amount_choice="other", custom_amount="25000")
    assert client.post(DONATE_URL, gift).status_code == 303
    assert Donation.objects.get().amount == 2_500_000


# The thank-you page costs Stripe calls only when it must ---------------------------------------


def test_an_unknown_session_id_costs_no_stripe_call(client, fake_stripe, donate_page):
    for n in range(5):
        client.get("/donate/thank-you/", {"session_id": f"cs_test_random{n}"})
    assert not fake_stripe.requests


def test_a_gift_whose_outcome_we_know_is_thanked_from_our_record(
    client, fake_stripe, donate_page, post_event
):
    client.post(DONATE_URL, _gift(client))
    donation = Donation.objects.get()
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        assert post_event(evt).status_code == 200
    fake_stripe.requests.clear()
    response = client.get("/donate/thank-you/", {"session_id": donation.stripe_checkout_session_id})
    text = visible_text(response.content.decode())
    assert "Thank you, Maria Santos!" in text and "Your gift of ₱1,000 is on its way" in text
    assert not fake_stripe.requests


def test_a_failed_gift_is_not_thanked_as_paid(client, fake_stripe, donate_page):
    client.post(DONATE_URL, _gift(client))
    donation = Donation.objects.get()
    donation.mark_failed("card declined")
    fake_stripe.requests.clear()
    response = client.get("/donate/thank-you/", {"session_id": donation.stripe_checkout_session_id})
    assert "did not go through" in visible_text(response.content.decode())
    assert not fake_stripe.requests
