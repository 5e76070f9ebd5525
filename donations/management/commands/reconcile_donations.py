"""Repair gifts whose webhook never arrived, from what Stripe itself holds.

Three passes: recent Checkout Sessions (a gift paid or expired while its event was lost); every
monthly gift that has not ended (a cancellation or a failed card we never heard of), its status
read from Stripe; and recent refunds (for example of a monthly payment refunded before its
``invoice.paid`` reached us, whose ``charge.refunded`` found no gift to apply to).

Safe to run at any time (for example daily from cron): it goes through the same functions and
model transitions as the webhook, so a gift already up to date is left alone and a second run
changes nothing. Stripe is read before each transaction opens. It prints each change.
"""

import time

import stripe
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from donations import stripe_client, webhooks
from donations.models import RecurringGift


class Command(BaseCommand):
    help = (
        "Read recent Stripe Checkout Sessions and every live monthly gift's subscription, and "
        "repair any gift whose webhook never arrived."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=int,
            default=3,
            metavar="DAYS",
            help="Look at sessions created in the last DAYS days (default 3, Stripe's retry span).",
        )

    def handle(self, *args, since: int, **options):
        if since < 1:
            raise CommandError("--since must be at least 1 day.")
        if not stripe_client.is_configured():
            raise CommandError("STRIPE_SECRET_KEY is not set; there is nothing to reconcile with.")
        created_since = int(time.time()) - since * 86400
        checked = changed = 0
        try:
            for session in stripe_client.list_checkout_sessions(created_since):
                checked += 1
                change = self._reconcile_session(session.to_dict())
                if change:
                    changed += 1
                    self.stdout.write(change)
            refunds_changed = self._reconcile_refunds(created_since)
            subscriptions = gifts_changed = 0
            for gift in RecurringGift.objects.exclude(status__in=RecurringGift.ENDED):
                subscriptions += 1
                subscription = stripe_client.retrieve_subscription(gift.stripe_subscription_id)
                change = self._reconcile_subscription(gift, subscription.to_dict())
                if change:
                    gifts_changed += 1
                    self.stdout.write(change)
        except stripe.StripeError as error:
            raise CommandError(f"Stripe could not be read: {error}") from error
        self.stdout.write(
            f"Checked {checked} checkout session(s) from the last {since} day(s); "
            f"changed {changed} gift(s)."
        )
        self.stdout.write(
            f"Checked {subscriptions} monthly gift(s) with Stripe; changed {gifts_changed}."
        )
        self.stdout.write(f"Recorded refunds on {refunds_changed} gift(s).")

    def _reconcile_refunds(self, created_since: int) -> int:
        """Refunds Stripe made that our gifts do not show yet, summed per PaymentIntent."""
        refunded: dict[str, int] = {}
        for item in stripe_client.list_refunds(created_since):
            refund = item.to_dict()
            payment_intent = refund.get("payment_intent") or ""
            if payment_intent and refund.get("status") == "succeeded":
                refunded[payment_intent] = refunded.get(payment_intent, 0) + refund["amount"]
        changed = 0
        for payment_intent, amount in refunded.items():
            with transaction.atomic():
                donation = webhooks.find_donation_for_payment_intent(
                    payment_intent, webhooks.StripeFacts()
                )
                if donation is None or donation.refunded_amount >= min(amount, donation.amount):
                    continue
                before = donation.status
                donation.record_refund(amount, stripe_payment_intent_id=payment_intent)
                changed += 1
                self.stdout.write(
                    f"donation {donation.pk} ({payment_intent}): refund of "
                    f"{donation.refunded_amount} recorded, {before} -> {donation.status}"
                )
        return changed

    @staticmethod
    def _reconcile_session(session: dict) -> str:
        if session.get("status") not in ("complete", "expired"):
            return ""
        with transaction.atomic():
            found = webhooks.find_donation_for_session(session)
            if found is None:
                return ""
            before = (found.status, found.recurring_gift_id)
            donation = webhooks.apply_checkout_session(session)
            after = (donation.status, donation.recurring_gift_id)
            if after == before:
                return ""
            note = ""
            if before[1] is None and after[1] is not None:
                note = f", monthly gift {after[1]} recorded"
            return f"donation {donation.pk} ({session['id']}): {before[0]} -> {after[0]}{note}"

    @staticmethod
    def _reconcile_subscription(gift: RecurringGift, subscription: dict) -> str:
        with transaction.atomic():
            before = gift.status
            gift = webhooks.apply_subscription_status(
                subscription, subscription.get("status", ""), at=None
            )
            if gift is None or gift.status == before:
                return ""
            return (
                f"monthly gift {gift.pk} ({gift.stripe_subscription_id}): {before} -> {gift.status}"
            )
