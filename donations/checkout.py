"""Starting a gift: a pending Donation, then a Stripe Checkout Session for it.

Card details never touch our servers: the donor pays on Stripe's page and comes back to the
thank-you route. Only signed webhooks change a Donation's status after this point (except a
failure to reach Stripe at all, which we record here, since no webhook will ever tell us).
"""

import logging
import uuid
from dataclasses import dataclass

import stripe
from django.db import IntegrityError, transaction
from django.utils import translation

from donations import stripe_client
from donations.models import DonatePage, Donation, Frequency, supported_language
from donations.money import CURRENCIES

logger = logging.getLogger("ijm.payments")


class CheckoutUnavailable(Exception):
    """Stripe could not be reached or refused; the donor may try again."""


class CheckoutBusy(CheckoutUnavailable):
    """Stripe's rate limit still refused after our short retries; the gift stays pending.

    Nothing was created at Stripe, so the donor's next click sends the same form token, finds the
    same pending Donation and reuses its idempotency key: one click, at most one checkout.
    """


@dataclass
class CheckoutStarted:
    donation: Donation
    url: str


def _line_item(donation: Donation, organisation: str) -> dict:
    monthly = donation.frequency == Frequency.MONTHLY
    price_data = {
        "currency": donation.currency.lower(),
        "unit_amount": donation.amount,
        "product_data": {"name": f"{'Monthly' if monthly else 'One-time'} gift to {organisation}"},
    }
    if monthly:
        price_data["recurring"] = {"interval": "month"}
    return {"price_data": price_data, "quantity": 1}


def giving_language(page: DonatePage) -> str:
    """The language the donor gives in: the donate page's own (a Filipino page is Filipino
    whatever the browser says), else the language the request is served in."""
    locale = getattr(page, "locale", None)
    code = locale.language_code if locale is not None else translation.get_language()
    return supported_language(code)


def session_params(
    donation: Donation, *, success_url: str, cancel_url: str, organisation: str
) -> dict:
    """What Stripe receives: one line of ``price_data``, our id in three places, no card data."""
    metadata = {"donation_id": str(donation.pk), "frequency": donation.frequency}
    params = {
        "mode": "subscription" if donation.frequency == Frequency.MONTHLY else "payment",
        "line_items": [_line_item(donation, organisation)],
        "client_reference_id": str(donation.pk),
        "customer_email": donation.donor_email,
        "metadata": metadata,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "submit_type": "donate",
        "locale": stripe_client.checkout_locale(donation.language),
    }
    if donation.frequency == Frequency.MONTHLY:
        params["subscription_data"] = {"metadata": metadata}
        del params["submit_type"]
    else:
        params["payment_intent_data"] = {"metadata": metadata}
    return params


def _same_gift(donation: Donation, data: dict) -> bool:
    return (donation.amount, donation.currency, donation.frequency, donation.donor_email) == (
        data["amount"],
        data["currency"],
        data["frequency"],
        data["email"].strip(),
    )


def _pending_donation(page: DonatePage, data: dict) -> tuple[Donation, bool]:
    """The pending Donation for this form submission; the same one if it was sent twice.

    A donor who comes back from Stripe with the browser's Back button and changes the gift sends
    the same token with other choices: that is a new gift, not a repeat.
    """
    token = data.get("form_token")
    if token:
        existing = Donation.objects.filter(form_token=token).first()
        if existing is not None:
            if _same_gift(existing, data):
                return existing, False
            token = uuid.uuid4()
    try:
        with transaction.atomic():
            donation = Donation.objects.create(
                amount=data["amount"],
                fee_amount=data.get("fee_amount", 0),
                currency=data["currency"],
                frequency=data["frequency"],
                donor_name=data["name"].strip(),
                donor_email=data["email"].strip(),
                is_anonymous=data.get("is_anonymous", False),
                dedication_type=data.get("dedication_type", ""),
                dedication_name=data.get("dedication_name", "").strip(),
                language=giving_language(page),
                page=page,
                form_token=token,
            )
        return donation, True
    except IntegrityError:
        return Donation.objects.get(form_token=token), False


def _create_session(donation: Donation, params: dict):
    """Stripe's session for the gift, in the donor's language if Stripe takes it.

    Should Stripe ever refuse the locale (``invalid_request_error`` on ``locale``), the donor is
    not stopped by it: the same pending gift asks again with ``locale=auto`` (Stripe picks the
    browser's language) under its own key, derived from the first so that a repeated click
    finds the same fallback session rather than opening another.
    """
    key = f"donation-checkout-{donation.pk}-{donation.form_token}"
    try:
        return stripe_client.create_checkout_session(params, idempotency_key=key)
    except stripe.InvalidRequestError as error:
        if not stripe_client.is_locale_refused(error) or params.get("locale") == "auto":
            raise
        logger.warning(
            "checkout locale refused donation=%s locale=%s request_id=%s: trying locale=auto",
            donation.pk,
            params.get("locale"),
            stripe_client.request_id(error),
        )
    params["locale"] = "auto"
    return stripe_client.create_checkout_session(params, idempotency_key=f"{key}-locale-auto")


def start_checkout(
    page: DonatePage, data: dict, *, success_url: str, cancel_url: str, organisation: str
) -> CheckoutStarted:
    """Save the pending gift and open Stripe Checkout for it.

    A second submission of the same form (same token) reuses the first Donation and the same
    idempotency key, so Stripe hands back the same session rather than opening a second one.
    """
    if data["currency"] not in CURRENCIES:  # pragma: no cover - the form rules it out
        raise ValueError(data["currency"])
    donation, created = _pending_donation(page, data)
    if not created and donation.checkout_url and donation.status == Donation.Status.PENDING:
        logger.info("checkout repeated donation=%s: same session reused", donation.pk)
        return CheckoutStarted(donation, donation.checkout_url)
    if not created and donation.status != Donation.Status.PENDING:
        raise CheckoutUnavailable("this form was already used; a fresh form is needed")

    params = session_params(
        donation, success_url=success_url, cancel_url=cancel_url, organisation=organisation
    )
    try:
        session = _create_session(donation, params)
    except stripe_client.CheckoutCeilingReached as error:
        logger.info(
            "checkout busy donation=%s: no Checkout Session slot within the wait", donation.pk
        )
        raise CheckoutBusy("Stripe's ceiling reached") from error
    except stripe.RateLimitError as error:
        logger.warning(
            "checkout busy donation=%s: Stripe's rate limit held after retries request_id=%s",
            donation.pk,
            stripe_client.request_id(error),
        )
        raise CheckoutBusy("Stripe is busy") from error
    except stripe.StripeError as error:
        reason = f"{type(error).__name__}: {error.user_message or error._message or 'no message'}"
        donation.mark_failed(f"Checkout could not start. {reason}")
        logger.warning(
            "checkout failed donation=%s currency=%s amount=%s request_id=%s reason=%s",
            donation.pk,
            donation.currency,
            donation.amount,
            stripe_client.request_id(error),
            reason,
        )
        raise CheckoutUnavailable(reason) from error

    donation.stripe_checkout_session_id = session.id
    donation.checkout_url = session.url
    donation.save(update_fields=["stripe_checkout_session_id", "checkout_url", "updated_at"])
    logger.info(
        "checkout started donation=%s session=%s mode=%s currency=%s amount=%s request_id=%s",
        donation.pk,
        session.id,
        params["mode"],
        donation.currency,
        donation.amount,
        stripe_client.request_id(session),
    )
    return CheckoutStarted(donation, session.url)
