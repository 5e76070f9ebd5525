"""Repair gifts whose webhook never arrived, from Stripe's own list of Checkout Sessions.

Safe to run at any time (for example daily from cron): it goes through the same model
transitions as the webhook, so a gift already up to date is left alone and a second run changes
nothing. It prints each change it makes.
"""

import time

import stripe
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from donations import stripe_client, webhooks
from donations.models import Donation, RecurringGift


class Command(BaseCommand):
    help = "Read recent Stripe Checkout Sessions and repair any gift whose webhook never arrived."

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
                change = self._reconcile(session.to_dict())
                if change:
                    changed += 1
                    self.stdout.write(change)
        except stripe.StripeError as error:
            raise CommandError(f"Stripe could not be read: {error}") from error
        self.stdout.write(
            f"Checked {checked} checkout session(s) from the last {since} day(s); "
            f"changed {changed} gift(s)."
        )

    @staticmethod
    def _reconcile(session: dict) -> str:
        handler = None
        if session.get("status") == "complete":
            handler = webhooks.checkout_completed
        elif session.get("status") == "expired":
            handler = webhooks.checkout_expired
        if handler is None:
            return ""
        with transaction.atomic():
            donation = webhooks._donation_for_session(session)
            if donation is None:
                return ""
            before = (donation.status, donation.recurring_gift_id)
            gifts_before = RecurringGift.objects.count()
            handler(session, {"created": session.get("created")})
            donation = Donation.objects.get(pk=donation.pk)
            after = (donation.status, donation.recurring_gift_id)
            if after == before:
                return ""
            note = ""
            if RecurringGift.objects.count() > gifts_before:
                note = f", monthly gift {donation.recurring_gift_id} recorded"
            return f"donation {donation.pk} ({session['id']}): {before[0]} -> {after[0]}{note}"
