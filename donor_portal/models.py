"""What the donor portal keeps: audit lines, spent sign-in links, the pause Stripe holds,
failed payments and their recovery, and the yearly statements sent.

Gifts themselves stay in ``donations`` (``RecurringGift``); these models only point at them.
Every state here comes from Stripe's answer to a change or from its webhooks, never from a form.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from donations.models import RecurringGift


class GiftChange(models.Model):
    """One audit line: who changed a monthly gift, when, what (before → after), from where.

    The client address is kept for ``PORTAL_ADDRESS_RETENTION_DAYS`` (90 by default), then
    cleared by ``manage.py clear_portal_addresses`` (and by erasure at once).
    """

    class Action(models.TextChoices):
        AMOUNT = "amount", _("Amount changed")
        PAUSE = "pause", _("Paused")
        RESUME = "resume", _("Resumed")
        CANCEL = "cancel", _("Cancelled")
        CARD = "card", _("Card update opened")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        PAYMENT_RECOVERED = "payment_recovered", _("Payment recovered")

    class Actor(models.TextChoices):
        DONOR = "donor", _("Donor")
        STAFF = "staff", _("Staff")
        STRIPE = "stripe", _("Stripe")

    gift = models.ForeignKey(
        RecurringGift,
        on_delete=models.CASCADE,
        related_name="portal_changes",
        verbose_name=_("monthly gift"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor_kind = models.CharField(_("who (kind)"), max_length=10, choices=Actor.choices)
    actor = models.CharField(
        _("who"), max_length=254, blank=True, help_text=_("The donor's email or the staff user.")
    )
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    before = models.CharField(_("before"), max_length=200, blank=True)
    after = models.CharField(_("after"), max_length=200, blank=True)
    reason = models.TextField(_("reason given"), blank=True)
    client_address = models.GenericIPAddressField(
        _("from address"),
        null=True,
        blank=True,
        help_text=_("Kept for a limited period, then cleared."),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("monthly gift change")
        verbose_name_plural = _("monthly gift changes")

    def __str__(self):
        return f"{self.get_action_display()}: {self.before} → {self.after}"

    @property
    def summary(self) -> str:
        if self.before or self.after:
            return f"{self.before or '—'} → {self.after or '—'}"
        return ""

    @classmethod
    def clear_old_addresses(cls, now=None) -> int:
        """Forget client addresses older than the stated retention period; returns how many."""
        days = settings.PORTAL_ADDRESS_RETENTION_DAYS
        cutoff = (now or timezone.now()) - timedelta(days=days)
        return cls.objects.filter(at__lt=cutoff, client_address__isnull=False).update(
            client_address=None
        )


class SpentLink(models.Model):
    """A sign-in link already used. The unique nonce lets only one of two racing POSTs spend it."""

    nonce = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=30)
    spent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.purpose} link spent at {self.spent_at:%Y-%m-%d %H:%M}"


class GiftSchedule(models.Model):
    """What Stripe says about a gift's next payment: its pause (``pause_collection``) and date.

    Stripe keeps a paused subscription ``active``; our "paused" is ``paused_until`` being set.
    ``stripe_state_at`` is when Stripe made the state held here, so an older event never undoes
    a newer answer.
    """

    gift = models.OneToOneField(
        RecurringGift, on_delete=models.CASCADE, related_name="portal_schedule"
    )
    paused_until = models.DateTimeField(null=True, blank=True)
    next_payment_at = models.DateTimeField(null=True, blank=True)
    stripe_state_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"schedule of gift {self.gift_id}"

    @property
    def is_paused(self) -> bool:
        return self.paused_until is not None


class PaymentFailure(models.Model):
    """A monthly invoice that failed, once per invoice; ``recovered_at`` when a later payment
    of the same gift went through."""

    gift = models.ForeignKey(
        RecurringGift, on_delete=models.CASCADE, related_name="payment_failures"
    )
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    failed_at = models.DateTimeField()
    recovered_at = models.DateTimeField(null=True, blank=True)
    recovered_by_invoice = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self):
        return f"failed payment {self.stripe_invoice_id}"


def email_digest(email: str) -> str:
    """A keyed digest of an address: recognises a donor again without keeping the address."""
    return salted_hmac("donor_portal.email", email.strip().lower()).hexdigest()


class GivingStatement(models.Model):
    """One yearly statement per donor: the row exists once, so a re-run sends nothing.

    The address is kept only until the statement is sent; the digest stays to refuse a second.
    """

    year = models.PositiveSmallIntegerField()
    email_digest = models.CharField(max_length=64)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "email_digest"], name="one_giving_statement_per_donor_and_year"
            )
        ]

    def __str__(self):
        return f"giving statement {self.year} #{self.pk}"
