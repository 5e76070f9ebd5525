"""Gifts and the page that takes them.

A :class:`Donation` is one payment received or attempted; a :class:`RecurringGift` is a monthly
gift whose every payment is its own Donation; a :class:`StripeEvent` remembers each webhook event
so a repeated delivery changes nothing. The models own their state transitions: a status only
ever moves forward, whatever order Stripe's events arrive in.
"""

import logging
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from donations.money import (
    CURRENCIES,
    CURRENCY_CHOICES,
    format_gift,
    format_money,
    minor_per_major,
)
from donations.page_form import DonatePageForm

logger = logging.getLogger("ijm.payments")


def language_field():
    """The language a donor gave in ("en", "fil"): every email to them is written in it."""
    return models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the page the donor gave from; their emails use it."),
    )


def supported_language(code: str | None) -> str:
    """``code`` when the site speaks it (``fil-ph`` counts as ``fil``), else the default."""
    code = (code or "").lower()
    known = {language for language, _name in settings.LANGUAGES}
    for candidate in (code, code.split("-")[0]):
        if candidate in known:
            return candidate
    return settings.LANGUAGE_CODE


class Frequency(models.TextChoices):
    ONCE = "once", _("One-time")
    MONTHLY = "monthly", _("Monthly")


DEFAULT_PRESETS: dict[tuple[str, str], list[int]] = {
    ("PHP", Frequency.ONCE): [500, 1_000, 2_500, 5_000],
    ("PHP", Frequency.MONTHLY): [250, 500, 1_000],
    ("USD", Frequency.ONCE): [25, 50, 100, 250],
    ("USD", Frequency.MONTHLY): [10, 25, 50],
}
"""Preset amounts in whole pesos or dollars, used when the page has none of its own."""

DEFAULT_CHOSEN: dict[tuple[str, str], int] = {
    ("PHP", Frequency.ONCE): 1_000,
    ("PHP", Frequency.MONTHLY): 500,
    ("USD", Frequency.ONCE): 50,
    ("USD", Frequency.MONTHLY): 25,
}
"""The amount chosen before the donor touches the form, when no preset row is marked default."""


class DonatePage(RoutablePageMixin, Page):
    """The one page where donors give. Staff edit its words, presets and limits."""

    choice_params = ("currency", "frequency", "amount_choice", "custom_amount", "cover_fee")
    """The choices a link or Stripe's "back" carries into the form, as query parameters."""
    page_cache_query_params = choice_params  # ijm_site/page_cache.py: all this page reads

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("A few words above the form on why a gift matters."),
        default=(
            "<p>Your gift helps rescue children from online sexual exploitation, bring "
            "offenders to justice and walk with survivors as they heal.</p>"
        ),
    )
    php_minimum = models.PositiveIntegerField(
        _("smallest gift in pesos"),
        default=100,
        validators=[MinValueValidator(50)],
        help_text=_("Whole pesos. Stripe cannot take less than about ₱30."),
    )
    php_maximum = models.PositiveIntegerField(
        _("largest gift in pesos"),
        default=1_000_000,
        help_text=_("Whole pesos. Larger gifts are asked to contact us."),
    )
    usd_minimum = models.PositiveIntegerField(
        _("smallest gift in US dollars"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Whole dollars."),
    )
    usd_maximum = models.PositiveIntegerField(
        _("largest gift in US dollars"),
        default=25_000,
        help_text=_("Whole dollars. Larger gifts are asked to contact us."),
    )
    fee_percentage = models.DecimalField(
        _("processing fee (%)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("3.50"),
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text=_("Added to the gift when a donor ticks 'cover the processing fee'."),
    )
    thank_you_text = RichTextField(
        features=["bold", "italic", "link"],
        help_text=_("Shown on the thank-you page after the donor's name, amount and frequency."),
        default="<p>Thank you for standing with children in the Philippines.</p>",
    )
    thank_you_next_steps = RichTextField(
        _("what happens next"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_(
            "Shown under 'What happens next' on the thank-you page, after the line about the "
            "receipt. Leave empty to show only that line."
        ),
    )
    monthly_invitation = models.CharField(
        _("invitation to give monthly"),
        max_length=300,
        blank=True,
        help_text=_(
            "Shown to one-time donors on the thank-you page, above a link to the monthly form. "
            "Leave empty to show no invitation."
        ),
    )
    trust_heading = models.CharField(
        _("trust panel heading"),
        max_length=120,
        blank=True,
        help_text=_(
            "For example 'Your gift, safely'. The panel hides when all its parts are empty."
        ),
    )
    trust_funds = models.TextField(
        _("what gifts fund"),
        blank=True,
        help_text=_("Only what the organisation can stand behind; leave empty rather than guess."),
    )
    trust_receipts = models.TextField(
        _("receipts"), blank=True, help_text=_("How and when donors get their receipt.")
    )
    trust_card = models.TextField(
        _("card payments"),
        blank=True,
        help_text=_("Who handles the card. The site never sees card numbers: Stripe does."),
    )
    trust_stop_monthly = models.TextField(
        _("how to stop a monthly gift"),
        blank=True,
        help_text=_("A contact line donors can use to stop or change a monthly gift."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "presets",
            heading=_("Preset amounts"),
            label=_("Preset amount"),
            help_text=(
                _(
                    "The amount buttons donors tap. A currency and frequency with no rows here "
                    "uses the defaults."
                )
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("php_minimum"), FieldPanel("php_maximum")]),
                FieldRowPanel([FieldPanel("usd_minimum"), FieldPanel("usd_maximum")]),
                FieldPanel("fee_percentage"),
            ],
            heading=_("Limits and fee"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("trust_heading"),
                FieldPanel("trust_funds"),
                FieldPanel("trust_receipts"),
                FieldPanel("trust_card"),
                FieldPanel("trust_stop_monthly"),
            ],
            heading=_("Trust panel"),
            help_text=_("Beside the form. Empty parts are not shown."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("thank_you_text"),
                FieldPanel("thank_you_next_steps"),
                FieldPanel("monthly_invitation"),
            ],
            heading=_("Thank-you page"),
        ),
    ]

    parent_page_types = ["pages.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1  # one per language's home page
    base_form_class = DonatePageForm

    class Meta:
        verbose_name = _("donate page")

    @property
    def fee_percentage_display(self) -> str:
        """``3.50`` → ``3.5``, ``3.00`` → ``3``: how a donor reads a percentage."""
        return format(self.fee_percentage.normalize(), "f")

    def url_with_choices(self, **choices) -> str:
        """This page's URL with a donor's choices (names from ``choice_params``) in its query,
        so the form opens with them chosen."""
        return f"{self.url}?{urlencode(choices)}"

    def presets_for(self, currency: str, frequency: str, presets=None) -> list[int]:
        """Preset amounts in minor units, smallest first (``presets``: rows already read)."""
        rows = [
            p.amount
            for p in (self.presets.all() if presets is None else presets)
            if p.currency == currency and p.frequency == frequency
        ]
        whole = sorted(rows) if rows else DEFAULT_PRESETS.get((currency, frequency), [])
        return [amount * minor_per_major(currency) for amount in whole]

    def default_for(self, currency: str, frequency: str, presets=None) -> int | None:
        """The preset (minor units) chosen before the donor touches the form, if any.

        A row marked default wins; without page rows, the built-in choice; else the first.
        """
        rows = [
            p
            for p in (self.presets.all() if presets is None else presets)
            if p.currency == currency and p.frequency == frequency
        ]
        per_major = minor_per_major(currency)
        marked = [p.amount for p in rows if p.is_default]
        if marked:
            return marked[0] * per_major
        amounts = self.presets_for(currency, frequency, rows)
        if not rows and DEFAULT_CHOSEN.get((currency, frequency)):
            return DEFAULT_CHOSEN[(currency, frequency)] * per_major
        return amounts[0] if amounts else None

    @property
    def trust_parts(self) -> list[tuple[str, str]]:
        """(heading, text) of each trust panel part staff filled in, in the panel's order."""
        parts = [
            (_("What your gift funds"), self.trust_funds),
            (_("Your receipt"), self.trust_receipts),
            (_("Your card"), self.trust_card),
            (_("Stopping a monthly gift"), self.trust_stop_monthly),
        ]
        return [(heading, text.strip()) for heading, text in parts if text and text.strip()]

    def limits_for(self, currency: str) -> tuple[int, int]:
        """(minimum, maximum) gift in minor units."""
        per_major = minor_per_major(currency)
        if currency == "USD":
            return self.usd_minimum * per_major, self.usd_maximum * per_major
        return self.php_minimum * per_major, self.php_maximum * per_major

    def preset_groups(self) -> list[dict]:
        presets = list(self.presets.all())  # one query for every currency and frequency
        return [
            {
                "currency": currency,
                "frequency": frequency,
                "frequency_label": Frequency(frequency).label,
                "default": self.default_for(currency, frequency, presets),
                "amounts": [
                    (
                        amount,
                        format_money(amount, currency),
                        format_gift(amount, currency, frequency),
                    )
                    for amount in self.presets_for(currency, frequency, presets)
                ],
            }
            for currency in CURRENCIES
            for frequency in Frequency.values
        ]

    @path("")
    def donate(self, request):
        from donations.views import donate_view

        return donate_view(request, self)

    @path("thank-you/")
    def thank_you(self, request):
        from donations.views import thank_you_view

        return thank_you_view(request, self)


class DonationPreset(Orderable):
    page = ParentalKey(DonatePage, on_delete=models.CASCADE, related_name="presets")
    currency = models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, default="PHP", help_text=_("Pesos or US dollars.")
    )
    frequency = models.CharField(
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.ONCE,
        help_text=_("One-time or monthly gifts."),
    )
    amount = models.PositiveIntegerField(
        help_text=_("Whole pesos or dollars, for example 1000."),
        validators=[MinValueValidator(1)],
    )
    is_default = models.BooleanField(
        _("chosen by default"),
        default=False,
        help_text=_(
            "Already chosen when the form opens, for this currency and frequency. "
            "Mark one per currency and frequency."
        ),
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("currency"),
                FieldPanel("frequency"),
                FieldPanel("amount"),
                FieldPanel("is_default"),
            ]
        )
    ]

    def __str__(self):
        return f"{format_money(self.amount * minor_per_major(self.currency), self.currency)}"


class RecurringGift(models.Model):
    """A monthly gift: one Stripe subscription. Each month's payment is its own Donation."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Incomplete")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        UNPAID = "unpaid", _("Unpaid")
        PAUSED = "paused", _("Paused")
        CANCELED = "canceled", _("Cancelled")
        INCOMPLETE_EXPIRED = "incomplete_expired", _("Incomplete, expired")

    ENDED = {Status.CANCELED, Status.INCOMPLETE_EXPIRED}

    stripe_subscription_id = models.CharField(max_length=255, unique=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    amount = models.PositiveIntegerField(help_text=_("Monthly amount in minor units."))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When Stripe made the status we hold.")
    )
    donor_name = models.CharField(max_length=120)
    donor_email = models.EmailField()
    is_anonymous = models.BooleanField(default=False)
    language = language_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        help_text=_("When Finance erased the donor's name and email (donations/erasure.py)."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("monthly gift")

    def __str__(self):
        return f"{self.amount_display} monthly from {self.donor_name}"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def donor_label(self) -> str:
        """The donor's name in Finance's listings, or a plain note once it was erased."""
        return _("Personal data erased") if self.erased_at else self.donor_name

    def apply_stripe_status(self, status: str, at=None) -> bool:
        """Take the subscription's status from Stripe unless ours is newer or already ended."""
        if self.status in self.ENDED or status not in self.Status.values:
            return False
        if at and self.status_changed_at and at < self.status_changed_at:
            return False
        changed = status != self.status
        self.status = status
        self.status_changed_at = at or timezone.now()
        if status == self.Status.CANCELED:
            self.canceled_at = self.status_changed_at
        self.save(update_fields=["status", "status_changed_at", "canceled_at", "updated_at"])
        return changed


class Donation(models.Model):
    """One payment, received or attempted. Amounts are integer minor units."""

    # Not in Wagtail's reference index: a gift is not content that "uses" the donate page (its
    # usage tab would list donors to editors), and indexing cost each save a write transaction.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")
        DISPUTED = "disputed", _("Disputed")

    class Dedication(models.TextChoices):
        HONOUR = "honour", _("In honour of")
        MEMORY = "memory", _("In memory of")

    # Which statuses each status may be reached from. Everything else is a step back.
    ALLOWED_FROM = {
        Status.PAID: {Status.PENDING, Status.FAILED, Status.EXPIRED},
        Status.FAILED: {Status.PENDING},
        Status.EXPIRED: {Status.PENDING},
        Status.DISPUTED: {Status.PENDING, Status.PAID},
        Status.REFUNDED: {Status.PENDING, Status.PAID, Status.DISPUTED},
    }

    amount = models.PositiveIntegerField(help_text=_("Total charged, in minor units."))
    fee_amount = models.PositiveIntegerField(
        default=0, help_text=_("Part of the amount the donor added to cover the processing fee.")
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    failure_reason = models.CharField(max_length=255, blank=True)
    refunded_amount = models.PositiveIntegerField(default=0)
    dispute_outcome = models.CharField(max_length=20, blank=True)

    donor_name = models.CharField(max_length=120)
    donor_email = models.EmailField(db_index=True)
    is_anonymous = models.BooleanField(
        default=False, help_text=_("The donor asked not to be named publicly.")
    )
    dedication_type = models.CharField(max_length=10, choices=Dedication.choices, blank=True)
    dedication_name = models.CharField(max_length=120, blank=True)
    language = language_field()

    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recurring_gift = models.ForeignKey(
        RecurringGift,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )

    stripe_checkout_session_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_invoice_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=2000, blank=True, editable=False)
    form_token = models.UUIDField(
        null=True, blank=True, unique=True, editable=False, help_text=_("Stops a second checkout.")
    )

    needs_attention = models.BooleanField(
        default=False,
        db_index=True,
        verbose_name=_("needs attention"),
        help_text=_(
            "Stripe's figures differ from what the donor chose, or a refund exceeded the gift."
        ),
    )
    attention_reason = models.TextField(
        _("why it needs attention"),
        blank=True,
        help_text=_("What differs, for Finance to check against Stripe's dashboard."),
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    failure_note_sent_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the note about this failed payment was emailed.")
    )
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        help_text=_(
            "When Finance erased the donor's personal data; the amount and Stripe's payment "
            "references are kept for the accounts."
        ),
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("erase_donor", _("Can erase a donor's personal data"))]

    def __str__(self):
        return f"{self.amount_display} {self.get_frequency_display().lower()} ({self.status})"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def donor_label(self) -> str:
        """The donor's name in Finance's listings, or a plain note once it was erased."""
        return _("Personal data erased") if self.erased_at else self.donor_name

    @property
    def payment_went_through(self) -> bool | None:
        """True once paid (even if refunded or disputed later), False when it failed or expired,
        None while pending: then only Stripe knows whether the donor finished paying."""
        if self.status == self.Status.PENDING:
            return None
        return self.status not in (self.Status.FAILED, self.Status.EXPIRED)

    @property
    def attention_label(self) -> str:
        """The listing's flag: Finance sees at a glance which gifts differ from Stripe."""
        return _("Needs attention") if self.needs_attention else ""

    @property
    def receipt_number(self) -> str:
        return f"IJM-{self.created_at:%Y}-{self.pk:06d}"

    @property
    def dedication(self) -> str:
        if self.dedication_type and self.dedication_name:
            return f"{self.get_dedication_type_display()} {self.dedication_name}"
        return ""

    def _fill_stripe_ids(self, **ids) -> list[str]:
        """Record Stripe ids we did not know yet; an id once set is never replaced.

        After erasure the customer reference (which leads to the donor at Stripe) stays erased,
        whatever a late webhook or ``reconcile_donations`` brings.
        """
        changed = []
        if self.erased_at:
            ids.pop("stripe_customer_id", None)
        for field, value in ids.items():
            if value and not getattr(self, field):
                setattr(self, field, value)
                changed.append(field)
        return changed

    def _flag(self, reason: str) -> list[str]:
        """Mark the gift for Finance's attention (once per distinct reason); returns the fields."""
        if reason in self.attention_reason:
            return []
        self.needs_attention = True
        self.attention_reason = f"{self.attention_reason}\n{reason}".strip()
        return ["needs_attention", "attention_reason"]

    def record_paid_amount(self, amount: int, currency: str) -> bool:
        """Keep what Stripe took (it is what was paid); flag it when it is not what was chosen.

        True when it differed.
        """
        currency = (currency or self.currency).upper()
        if (amount, currency) == (self.amount, self.currency):
            return False
        fields = self._flag(
            _("Stripe took %(paid)s; the donor chose %(chosen)s.")
            % {"paid": format_money(amount, currency), "chosen": self.amount_display}
        )
        logger.warning(
            "amount differs donation=%s ours=%s %s stripe=%s %s; keeping Stripe's",
            self.pk, self.amount, self.currency, amount, currency,
        )  # fmt: skip
        self.amount, self.currency = amount, currency
        self.save(update_fields=["amount", "currency", *fields, "updated_at"])
        return True

    def link_recurring_gift(self, gift: "RecurringGift") -> None:
        if self.recurring_gift_id != gift.pk:
            self.recurring_gift = gift
            self.save(update_fields=["recurring_gift", "updated_at"])

    def record_stripe_ids(self, **ids) -> None:
        fields = self._fill_stripe_ids(**ids)
        if fields:
            self.save(update_fields=[*fields, "updated_at"])

    def _move_to(self, status: str, extra_fields=(), **ids) -> bool:
        fields = self._fill_stripe_ids(**ids) + list(extra_fields)
        moved = self.status in self.ALLOWED_FROM[status]
        if moved:
            self.status = status
            fields.append("status")
        if fields:
            self.save(update_fields=[*set(fields), "updated_at"])
        return moved

    def mark_paid(self, *, at=None, **ids) -> bool:
        """Paid, unless a later state (refunded, disputed) already holds. True when it moved."""
        if self.status in self.ALLOWED_FROM[self.Status.PAID]:
            self.paid_at = at or timezone.now()
            self.failure_reason = ""
            return self._move_to(self.Status.PAID, ["paid_at", "failure_reason"], **ids)
        return self._move_to(self.Status.PAID, **ids)

    def mark_failed(self, reason: str, **ids) -> bool:
        if self.status in self.ALLOWED_FROM[self.Status.FAILED]:
            self.failure_reason = reason[:255]
            return self._move_to(self.Status.FAILED, ["failure_reason"], **ids)
        return self._move_to(self.Status.FAILED, **ids)

    def mark_expired(self) -> bool:
        return self._move_to(self.Status.EXPIRED)

    def record_refund(self, amount_refunded: int, **ids) -> bool:
        """A refund, full or partial. Only a full refund changes the status; amounts only grow.

        A refund larger than the gift cannot be right: it is kept at the gift's amount and
        flagged for Finance.
        """
        extra = []
        if amount_refunded > self.amount:
            extra += self._flag(
                _(
                    "Stripe reported a refund of %(refund)s, more than the gift of %(gift)s; "
                    "recorded as %(gift)s."
                )
                % {
                    "refund": format_money(amount_refunded, self.currency),
                    "gift": self.amount_display,
                }
            )
            amount_refunded = self.amount
        if amount_refunded > self.refunded_amount:
            self.refunded_amount = amount_refunded
            extra.append("refunded_amount")
        if amount_refunded >= self.amount:
            return self._move_to(self.Status.REFUNDED, extra, **ids)
        fields = self._fill_stripe_ids(**ids) + extra
        if fields:
            self.save(update_fields=[*fields, "updated_at"])
        return False

    def open_dispute(self, **ids) -> bool:
        if self.dispute_outcome:
            return False
        return self._move_to(self.Status.DISPUTED, **ids)

    def close_dispute(self, outcome: str, **ids) -> bool:
        """Won: the money came back, so the gift counts as paid again. Lost: stays disputed.

        The outcome is written once, so a late 'dispute created' can't reopen a closed dispute.
        """
        if self.dispute_outcome:
            return False
        self.dispute_outcome = outcome[:20]
        fields = ["dispute_outcome", *self._fill_stripe_ids(**ids)]
        if self.status in {self.Status.PENDING, self.Status.PAID}:
            self.status = self.Status.DISPUTED
            fields.append("status")
        if outcome == "won" and self.status == self.Status.DISPUTED:
            self.status = self.Status.PAID
            fields.append("status")
        self.save(update_fields=[*set(fields), "updated_at"])
        return True


class StripeEvent(models.Model):
    """Each webhook event applied, kept once: a repeated delivery finds its id and stops."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(help_text=_("When Stripe created the event."))
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-processed_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
