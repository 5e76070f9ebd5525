"""Thin views: the donate form, the thank-you page and the Stripe webhook endpoint."""

import logging
import re
import uuid

import stripe
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from donations import stripe_client, webhooks
from donations.checkout import CheckoutBusy, CheckoutUnavailable, start_checkout
from donations.forms import OTHER, DonationForm
from donations.models import DonatePage, Donation, Frequency
from donations.money import format_gift
from ijm_site import page_cache

logger = logging.getLogger("ijm.payments")

CHECKOUT_RATE = "5/10m"
_SESSION_ID = re.compile(r"^cs_[A-Za-z0-9_]{1,250}$")


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _organisation_name(request) -> str:
    from pages.settings import OrganisationSettings

    return OrganisationSettings.for_request(request).name


def _email_key(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _rate_limited(request) -> bool:
    """5 checkouts in 10 minutes per IP address and per email, counted in the shared cache."""
    by_ip = is_ratelimited(
        request, group="donate-ip", key="ip", rate=CHECKOUT_RATE, method="POST", increment=True
    )
    by_email = is_ratelimited(
        request, group="donate-email", key=_email_key, rate=CHECKOUT_RATE, method="POST",
        increment=True,
    )  # fmt: skip
    return by_ip or by_email


def _render(request, page: DonatePage, form: DonationForm, status=200, **extra):
    context = page.get_context(request)
    context.update(
        form=form,
        preset_groups=page.preset_groups(),
        selected_currency=form.selected_currency(),
        selected_frequency=form.selected_frequency(),
        selected_amount=form.selected_amount(),
        other_choice=OTHER,
        giving_available=stripe_client.is_configured(),
        **extra,
    )
    return TemplateResponse(request, "donations/donate_page.html", context, status=status)


def _cancel_url(request, page: DonatePage, data: dict) -> str:
    """Back to the form with the donor's choices (never their name or email) kept."""
    choices = {"currency": data["currency"], "frequency": data["frequency"]}
    if (data.get("custom_amount") or "").strip():
        choices["custom_amount"] = data["custom_amount"].strip()
    else:
        choices["amount_choice"] = data.get("amount_choice") or OTHER
    if data.get("cover_fee"):
        choices["cover_fee"] = "on"
    return request.build_absolute_uri(page.url_with_choices(**choices))


def donate_view(request, page: DonatePage):
    if not stripe_client.is_configured():
        logger.warning(
            "online giving is off: %s not set", ", ".join(stripe_client.missing_settings())
        )
        return _render(request, page, DonationForm(page=page))

    if request.method != "POST":
        initial = {name: request.GET[name] for name in page.choice_params if name in request.GET}
        form = DonationForm(initial=initial, page=page)
        # Cached once; each visitor still gets their own CSRF token and one-time form token.
        page_cache.serve_with_fresh_tokens(request, form.initial["form_token"])
        return _render(request, page, form)

    if "refresh" in request.POST:
        # No-JavaScript path: the donor changed currency or frequency and asked for its amounts.
        data = request.POST.copy()
        data.pop("amount_choice", None)
        form = DonationForm(initial=data.dict(), page=page)
        form.initial["form_token"] = request.POST.get("form_token") or uuid.uuid4()
        return _render(request, page, form)

    form = DonationForm(request.POST, page=page)
    if not form.is_valid():
        if form.has_error("website"):
            logger.info("donate form honeypot filled; not starting a checkout")
        return _render(request, page, form)

    if _rate_limited(request):
        logger.warning("checkout rate limited")
        return TemplateResponse(
            request, "donations/rate_limited.html", page.get_context(request), status=429
        )

    data = form.cleaned_data
    try:
        started = start_checkout(
            page,
            data,
            success_url=request.build_absolute_uri(page.url + "thank-you/")
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_cancel_url(request, page, data),
            organisation=_organisation_name(request),
        )
    except CheckoutBusy:
        # The same form token stays, so trying again reuses this gift and its idempotency key.
        response = _render(
            request, page, DonationForm(request.POST, page=page), status=429, checkout_busy=True
        )
        response["Retry-After"] = "5"
        return response
    except CheckoutUnavailable:
        fresh = request.POST.copy()
        fresh["form_token"] = str(uuid.uuid4())
        return _render(request, page, DonationForm(fresh, page=page), checkout_error=True)
    return HttpResponseSeeOther(started.url)


@never_cache
def thank_you_view(request, page: DonatePage):
    """Thanks the donor from our own record. It never changes a gift's status.

    An unknown session id costs nothing but one indexed read (no Stripe call, so random ids
    cannot run up our API use); Stripe is asked only about a gift we know whose outcome our
    webhook has not brought yet. Never cached: it names the donor and shows the gift's state now.
    """
    context = page.get_context(request)
    session_id = request.GET.get("session_id", "")
    donation = (
        Donation.objects.filter(stripe_checkout_session_id=session_id).first()
        if _SESSION_ID.match(session_id)
        else None
    )
    if donation is None:
        context["problem"] = True
        return TemplateResponse(request, "donations/thank_you.html", context)
    went_through = donation.payment_went_through
    context.update(
        session_complete=_session_complete(donation) if went_through is None else went_through,
        gift_failed=went_through is False,
        donor_name=donation.donor_name,
        amount_display=donation.amount_display,
        gift_display=format_gift(donation.amount, donation.currency, donation.frequency),
        reference=donation.receipt_number,
        frequency=Frequency(donation.frequency),
        stories_url=_stories_url(),
        monthly_url=page.url_with_choices(currency=donation.currency, frequency=Frequency.MONTHLY),
    )
    return TemplateResponse(request, "donations/thank_you.html", context)


def _stories_url() -> str:
    from pages.localised import find_live_in_language
    from pages.models import StoryIndexPage

    stories = find_live_in_language(StoryIndexPage)
    return stories.url if stories else ""


def _session_complete(donation: Donation) -> bool:
    """Did the donor finish paying a gift our webhook has not confirmed yet? Stripe knows."""
    try:
        session = stripe_client.retrieve_checkout_session(donation.stripe_checkout_session_id)
    except (stripe.StripeError, stripe_client.StripeNotConfigured) as error:
        logger.info(
            "thank-you page could not read session of donation=%s request_id=%s: %s",
            donation.pk,
            stripe_client.request_id(error),
            type(error).__name__,
        )
        return False
    return session.status == "complete"


@csrf_exempt
@require_POST
def stripe_webhook(request):
    status, message = webhooks.receive(request.body, request.headers.get("Stripe-Signature", ""))
    return HttpResponse(message, status=status, content_type="text/plain")
