"""Changes to a monthly gift: Stripe first, then recorded from Stripe's answer, with an audit line.

Every function here calls Stripe *outside* any database transaction (a slow Stripe never holds
our row locks), and only then records what Stripe answered: the amount, the pause
(``pause_collection``), the next payment date and the status. The webhook's later
``customer.subscription.updated`` brings the same state (``receivers.py``) and changes nothing
more; a change made elsewhere (Stripe's dashboard) arrives only that way and gets its own audit
line, with Stripe as the actor.

``find_…`` reads, ``record_…``/``apply_…`` write.
"""

import calendar
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations import stripe_client
from donations.models import RecurringGift, supported_language
from donations.money import format_money
from donor_portal.models import GiftChange, GiftSchedule

logger = logging.getLogger("ijm.payments")

PAUSE_MONTHS = (1, 2, 3)
UNTIL_RESUMED = datetime(9000, 1, 1, tzinfo=UTC)
"""A pause without ``resumes_at`` (set in Stripe's dashboard) lasts until someone resumes it."""


class ChangeFailed(Exception):
    """Stripe did not make the change; nothing was recorded. The message is for the donor."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change and from where (the address is kept for a limited period)."""

    kind: str
    name: str
    address: str | None = None


def _timestamp(value) -> datetime | None:
    """A Unix time from Stripe; anything else (missing, malformed) is no time at all."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**33:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# What Stripe says -------------------------------------------------------------------------------


def _first_item(subscription: dict) -> dict:
    items = subscription.get("items")
    data = items.get("data") if isinstance(items, dict) else None
    return data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}


def subscription_amount(subscription: dict) -> int | None:
    item = _first_item(subscription)
    price = item.get("price") if isinstance(item.get("price"), dict) else {}
    unit, quantity = price.get("unit_amount"), item.get("quantity") or 1
    if not isinstance(unit, int) or not isinstance(quantity, int) or unit <= 0:
        return None
    return unit * quantity


def subscription_pause(subscription: dict) -> datetime | None:
    pause = subscription.get("pause_collection")
    if not isinstance(pause, dict) or not pause:
        return None
    return _timestamp(pause.get("resumes_at")) or UNTIL_RESUMED


def subscription_next_payment(subscription: dict) -> datetime | None:
    return _timestamp(_first_item(subscription).get("current_period_end"))


# Recording ------------------------------------------------------------------------------------


def find_schedule(gift: RecurringGift) -> GiftSchedule | None:
    return GiftSchedule.objects.filter(gift=gift).first()


def find_next_payment(
    gift: RecurringGift, schedule: GiftSchedule | None, payments
) -> datetime | None:
    """When the next payment is due: Stripe's period end once we hold it, else a month after
    the last payment (a new gift's subscription has not been updated yet). None while paused."""
    if schedule and schedule.is_paused:
        return None
    if schedule and schedule.next_payment_at:
        return schedule.next_payment_at
    paid = [d.paid_at for d in payments if d.paid_at]
    return add_months(max(paid), 1) if paid else None


def describe(gift: RecurringGift, schedule: GiftSchedule | None) -> dict[str, str]:
    """The facts an audit line compares, as a person reads them."""
    paused = schedule.paused_until if schedule else None
    return {
        "amount": gift.amount_display,
        "pause": _("paused until %(date)s") % {"date": f"{paused:%Y-%m-%d}"} if paused else "",
        "status": gift.get_status_display(),
    }


def record_audit_line(gift, actor: Actor, action: str, before="", after="", reason=""):
    return GiftChange.objects.create(
        gift=gift,
        actor_kind=actor.kind,
        actor=actor.name[:254],
        action=action,
        before=before[:200],
        after=after[:200],
        reason=reason,
        client_address=actor.address or None,
    )


def record_subscription(gift_id: int, subscription: dict, *, at: datetime) -> tuple[dict, dict]:
    """Mirror what Stripe holds for a subscription; returns (before, after) descriptions.

    An answer or event older than the state we hold changes nothing.
    """
    with transaction.atomic():
        gift = RecurringGift.objects.select_for_update().get(pk=gift_id)
        schedule, _created = GiftSchedule.objects.select_for_update().get_or_create(gift=gift)
        before = describe(gift, schedule)
        if schedule.stripe_state_at and at < schedule.stripe_state_at:
            return before, before
        amount = subscription_amount(subscription)
        if amount and amount != gift.amount:
            gift.amount = amount
            RecurringGift.objects.filter(pk=gift.pk).update(amount=amount, updated_at=at)
        schedule.paused_until = subscription_pause(subscription)
        schedule.next_payment_at = subscription_next_payment(subscription) or (
            schedule.next_payment_at
        )
        schedule.stripe_state_at = at
        schedule.save()
        if subscription.get("status"):
            gift.apply_stripe_status(subscription["status"], at=at)
        return before, describe(gift, schedule)


def _answered_at() -> datetime:
    """Now, to the second, as Stripe stamps its events: the webhook for this very change then
    counts as no older than its answer."""
    return timezone.now().replace(microsecond=0)


# Changes a donor asks for ---------------------------------------------------------------------


def _call_stripe(call, *args, **kwargs) -> dict:
    try:
        return call(*args, **kwargs).to_dict()
    except (stripe.StripeError, stripe_client.StripeNotConfigured) as error:
        logger.warning(
            "portal change refused by Stripe request_id=%s: %s",
            stripe_client.request_id(error) if isinstance(error, stripe.StripeError) else "",
            type(error).__name__,
        )
        raise ChangeFailed(
            _(
                "We could not reach our payment provider, so nothing has changed. "
                "Please try again in a few minutes."
            )
        ) from error


def _subscriptions():
    try:
        return stripe_client.client().v1.subscriptions
    except stripe_client.StripeNotConfigured as error:
        raise ChangeFailed(_("Online giving is not available right now.")) from error


def _update(gift: RecurringGift, params: dict) -> dict:
    return _call_stripe(
        _subscriptions().update,
        gift.stripe_subscription_id,
        params=params,
        options={"idempotency_key": f"portal-{uuid.uuid4()}"},
    )


def _apply(gift, actor: Actor, action: str, subscription: dict, reason: str = "") -> None:
    before, after = record_subscription(gift.pk, subscription, at=_answered_at())
    field = {"amount": "amount", "pause": "pause", "resume": "pause", "cancel": "status"}[action]
    record_audit_line(
        gift, actor, action, before[field] or _("active"), after[field] or _("active"), reason
    )


def change_amount(gift: RecurringGift, amount: int, actor: Actor) -> None:
    """A new monthly amount from the next payment on (no proration: nothing is charged now)."""
    current = _call_stripe(_subscriptions().retrieve, gift.stripe_subscription_id)
    item = _first_item(current)
    price = item.get("price") or {}
    product = price.get("product")
    if not item.get("id") or not product:
        raise ChangeFailed(_("This gift cannot be changed online; please contact us."))
    answer = _update(
        gift,
        {
            "items": [
                {
                    "id": item["id"],
                    "price_data": {
                        "currency": gift.currency.lower(),
                        "product": product if isinstance(product, str) else product["id"],
                        "unit_amount": amount,
                        "recurring": {"interval": "month"},
                    },
                }
            ],
            "proration_behavior": "none",
        },
    )
    _apply(gift, actor, GiftChange.Action.AMOUNT, answer)


def pause(gift: RecurringGift, months: int, actor: Actor) -> None:
    """No payment for ``months`` months; Stripe resumes by itself at ``resumes_at``."""
    resumes_at = add_months(timezone.now(), months)
    answer = _update(
        gift,
        {"pause_collection": {"behavior": "void", "resumes_at": int(resumes_at.timestamp())}},
    )
    _apply(gift, actor, GiftChange.Action.PAUSE, answer)


def resume(gift: RecurringGift, actor: Actor) -> None:
    answer = _update(gift, {"pause_collection": ""})
    _apply(gift, actor, GiftChange.Action.RESUME, answer)


def cancel(gift: RecurringGift, reason: str, actor: Actor) -> None:
    params = {"cancellation_details": {"comment": reason[:500]}} if reason else {}
    answer = _call_stripe(_subscriptions().cancel, gift.stripe_subscription_id, params=params)
    if answer.get("status") != RecurringGift.Status.CANCELED:
        raise ChangeFailed(_("Our payment provider did not stop the gift; please try again."))
    _apply(gift, actor, GiftChange.Action.CANCEL, answer, reason)


def open_card_update(
    gift: RecurringGift, return_url: str, actor: Actor, language: str | None = None
) -> str:
    """A billing portal session that can only update the card, returning to our manage page.

    ``flow_data[type]=payment_method_update`` opens the portal on that one flow, so the donor
    cannot cancel or change the gift there, around our offers and audit lines. Stripe's page
    speaks ``language`` (the portal page's); should Stripe refuse that locale, it opens with
    ``auto`` (the browser's) rather than not at all.
    """
    if not gift.stripe_customer_id:
        raise ChangeFailed(_("This gift's card cannot be changed online; please contact us."))
    try:
        sessions = stripe_client.client().v1.billing_portal.sessions
    except stripe_client.StripeNotConfigured as error:
        raise ChangeFailed(_("Online giving is not available right now.")) from error
    params = {
        "customer": gift.stripe_customer_id,
        "return_url": return_url,
        "flow_data": {
            "type": "payment_method_update",
            "after_completion": {"type": "redirect", "redirect": {"return_url": return_url}},
        },
        "locale": stripe_client.checkout_locale(supported_language(language)),
    }
    session = _call_stripe(_create_portal_session, sessions, params)
    record_audit_line(gift, actor, GiftChange.Action.CARD)
    return session["url"]


def _create_portal_session(sessions, params: dict):
    try:
        return sessions.create(params=params)
    except stripe.InvalidRequestError as error:
        if not stripe_client.is_locale_refused(error) or params["locale"] == "auto":
            raise
        logger.warning(
            "billing portal locale refused locale=%s request_id=%s: trying locale=auto",
            params["locale"],
            stripe_client.request_id(error),
        )
    return sessions.create(params={**params, "locale": "auto"})


def amount_limits(currency: str) -> tuple[int, int]:
    """The donate page's limits for a currency (minor units), or Stripe-safe defaults."""
    from donations.models import DonatePage
    from pages.localised import find_live_in_language

    page = find_live_in_language(DonatePage) or DonatePage()
    return page.limits_for(currency)


def format_limits(currency: str) -> tuple[str, str]:
    low, high = amount_limits(currency)
    return format_money(low, currency), format_money(high, currency)
