"""What the donations webhook tells the portal (``donations/signals.py``), in its transaction.

A pause, amount or cancellation made outside the portal (Stripe's dashboard) arrives only here and
gets an audit line with Stripe as the actor; the webhook of a change the portal already recorded
from Stripe's answer finds nothing new and writes nothing. Failed and recovered payments are
recorded once per invoice.
"""

from datetime import UTC, datetime

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from donations import signals
from donations.models import RecurringGift
from donor_portal.changes import Actor, record_audit_line, record_subscription
from donor_portal.models import GiftChange, PaymentFailure

STRIPE = Actor(GiftChange.Actor.STRIPE, "Stripe")


@receiver(signals.subscription_changed, dispatch_uid="donor_portal.subscription_changed")
@receiver(signals.subscription_ended, dispatch_uid="donor_portal.subscription_ended")
def mirror_subscription(sender, gift, subscription, at=None, **kwargs):
    before, after = record_subscription(gift.pk, subscription, at=at or timezone.now())
    if before["amount"] != after["amount"]:
        record_audit_line(gift, STRIPE, GiftChange.Action.AMOUNT, before["amount"], after["amount"])
    if before["pause"] != after["pause"]:
        action = GiftChange.Action.PAUSE if after["pause"] else GiftChange.Action.RESUME
        record_audit_line(
            gift, STRIPE, action, before["pause"] or _("active"), after["pause"] or _("active")
        )
    if before["status"] != after["status"] and after["status"] == _status_label("canceled"):
        record_audit_line(gift, STRIPE, GiftChange.Action.CANCEL, before["status"], after["status"])


def _status_label(status: str) -> str:
    return str(RecurringGift.Status(status).label)


@receiver(signals.invoice_payment_failed, dispatch_uid="donor_portal.invoice_payment_failed")
def record_payment_failure(sender, gift, invoice, donation, at=None, **kwargs):
    failure, created = PaymentFailure.objects.get_or_create(
        stripe_invoice_id=invoice["id"],
        defaults={"gift": gift, "failed_at": at or timezone.now()},
    )
    if created:
        record_audit_line(
            gift, STRIPE, GiftChange.Action.PAYMENT_FAILED, after=donation.amount_display
        )


@receiver(signals.invoice_paid, dispatch_uid="donor_portal.invoice_paid")
def record_recovery(sender, gift, invoice, donation, at=None, **kwargs):
    """A payment of a gift with open failures: they are recovered (the same invoice paid on
    Stripe's retry, or after a new card, or the next month's)."""
    open_failures = PaymentFailure.objects.filter(gift=gift, recovered_at__isnull=True)
    if not open_failures.exists():
        return
    open_failures.update(
        recovered_at=at or datetime.now(tz=UTC), recovered_by_invoice=invoice["id"]
    )
    record_audit_line(
        gift, STRIPE, GiftChange.Action.PAYMENT_RECOVERED, after=donation.amount_display
    )
