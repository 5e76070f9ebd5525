"""What the donations webhook tells other apps, inside the event's transaction.

``donations`` never imports the apps that listen (the donor portal mirrors pauses, amounts,
failures and recoveries from these), so a receiver's writes commit or roll back with the event
that caused them. Receivers must only write to the database: no Stripe call, no email sent
(enqueue it), since the webhook's row locks are held while they run.

Every signal is sent with ``gift`` (a ``RecurringGift``) and the Stripe object as a plain dict
shaped like the pinned API version, plus ``at`` (when Stripe created the event).
"""

from django.dispatch import Signal

subscription_changed = Signal()
"""``customer.subscription.updated`` for one of our monthly gifts: ``subscription`` (its
``pause_collection`` and ``items`` carry the pause and the amount)."""

subscription_ended = Signal()
"""``customer.subscription.deleted`` for one of our monthly gifts: ``subscription``."""

invoice_payment_failed = Signal()
"""A monthly gift's invoice failed: ``invoice`` and ``donation`` (that month's Donation)."""

invoice_paid = Signal()
"""A monthly gift's invoice was paid: ``invoice`` and ``donation``. After a failure of the same
gift, this is the payment recovered."""
