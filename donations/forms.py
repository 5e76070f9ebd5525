"""The donate form: what a donor chooses, checked on the server with a clear message per field."""

import re
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from donations.models import Donation, Frequency
from donations.money import CURRENCIES, CURRENCY_CHOICES, format_money, to_minor_units

OTHER = "other"
_AMOUNT_NOISE = re.compile(r"[\s,₱$]|PHP|USD|US|php|usd|us")


class DonationForm(forms.Form):
    currency = forms.ChoiceField(
        choices=CURRENCY_CHOICES,
        initial="PHP",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the currency of your gift."),
            "invalid_choice": _("Choose pesos (PHP) or US dollars (USD)."),
        },
    )
    frequency = forms.ChoiceField(
        choices=Frequency.choices,
        initial=Frequency.ONCE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how often you would like to give."),
            "invalid_choice": _("Choose a one-time or a monthly gift."),
        },
    )
    amount_choice = forms.CharField(required=False, label=_("Amount"))
    custom_amount = forms.CharField(required=False, max_length=20, label=_("Other amount"))
    name = forms.CharField(
        max_length=120,
        label=_("Your name"),
        error_messages={
            "required": _("Enter your name, so we can thank you."),
            "max_length": _("Enter a name of at most 120 characters."),
        },
    )
    email = forms.EmailField(
        max_length=254,
        label=_("Your email"),
        error_messages={
            "required": _("Enter your email address, so we can send your receipt."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    dedication_type = forms.ChoiceField(
        required=False,
        choices=[("", _("No dedication")), *Donation.Dedication.choices],
        widget=forms.RadioSelect,
        label=_("Dedicate this gift"),
        error_messages={"invalid_choice": _("Choose 'in honour of' or 'in memory of'.")},
    )
    dedication_name = forms.CharField(required=False, max_length=120, label=_("Their name"))
    is_anonymous = forms.BooleanField(required=False, label=_("Keep my gift anonymous"))
    cover_fee = forms.BooleanField(required=False)
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())

    def selected(self, name: str) -> str:
        """The value the donor picked (bound) or the default, to render the right presets."""
        if self.is_bound:
            value = self.data.get(name, "")
        else:
            value = self.initial.get(name) or self.fields[name].initial or ""
        return str(value)

    def selected_currency(self) -> str:
        value = self.selected("currency")
        return value if value in CURRENCIES else "PHP"

    def selected_frequency(self) -> str:
        value = self.selected("frequency")
        return value if value in Frequency.values else Frequency.ONCE

    def selected_amount(self) -> str:
        """The preset to show chosen: the donor's, else the page's default for the choice.

        None is chosen when the donor typed their own amount (it wins) or picked "other".
        """
        if self.selected("custom_amount").strip():
            return ""
        chosen = self.selected("amount_choice")
        if chosen or (self.is_bound and "refresh" not in self.data):
            return chosen
        default = self.page.default_for(self.selected_currency(), self.selected_frequency())
        return "" if default is None else str(default)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def _parse_custom_amount(self, currency: str) -> int:
        raw = (self.cleaned_data.get("custom_amount") or "").strip()
        if not raw:
            raise forms.ValidationError(_("Enter an amount, or choose one of the amounts shown."))
        text = _AMOUNT_NOISE.sub("", raw)
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise forms.ValidationError(_("Enter the amount in numbers only, for example 1500."))
        try:
            value = Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the regex already rules it out
            raise forms.ValidationError(_("Enter the amount in numbers only.")) from error
        if value <= 0:
            raise forms.ValidationError(_("Enter an amount greater than zero."))
        if value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Use at most two decimal places, for example 25.50."))
        return to_minor_units(value, currency)

    def clean(self):
        data = super().clean()
        currency, frequency = data.get("currency"), data.get("frequency")
        if not currency or not frequency:
            return data

        choice = (data.get("amount_choice") or "").strip()
        amount = None
        if (data.get("custom_amount") or "").strip():
            choice = OTHER  # one "other amount" input: what the donor typed wins over a preset
        if choice == OTHER:
            try:
                amount = self._parse_custom_amount(currency)
            except forms.ValidationError as error:
                self.add_error("custom_amount", error)
        elif not choice:
            self.add_error("amount_choice", _("Choose an amount, or enter your own."))
        else:
            presets = self.page.presets_for(currency, frequency)
            if not choice.isdigit() or int(choice) not in presets:
                self.add_error(
                    "amount_choice", _("Choose one of the amounts shown, or enter your own.")
                )
            else:
                amount = int(choice)

        if amount is not None:
            minimum, maximum = self.page.limits_for(currency)
            field = "custom_amount" if choice in (OTHER, "") else "amount_choice"
            if amount < minimum:
                self.add_error(
                    field,
                    _("The smallest gift we can accept online is %(minimum)s.")
                    % {"minimum": format_money(minimum, currency)},
                )
            elif amount > maximum:
                self.add_error(
                    field,
                    _(
                        "The largest gift we can accept online is %(maximum)s. "
                        "For a larger gift, please contact us."
                    )
                    % {"maximum": format_money(maximum, currency)},
                )
            else:
                fee = 0
                if data.get("cover_fee"):
                    fee = int(
                        (Decimal(amount) * self.page.fee_percentage / 100).quantize(Decimal(1))
                    )
                if amount + fee > maximum:
                    # What Stripe charges is the total, so the maximum holds for the total.
                    self.add_error(
                        "cover_fee",
                        _(
                            "With the processing fee your gift would be %(total)s, above the "
                            "largest gift we can accept online, %(maximum)s. Choose a smaller "
                            "amount or leave the fee unticked."
                        )
                        % {
                            "total": format_money(amount + fee, currency),
                            "maximum": format_money(maximum, currency),
                        },
                    )
                data["base_amount"] = amount
                data["fee_amount"] = fee
                data["amount"] = amount + fee

        if data.get("dedication_type") and not data.get("dedication_name", "").strip():
            self.add_error("dedication_name", _("Enter the name of the person you dedicate it to."))
        elif data.get("dedication_name", "").strip() and not data.get("dedication_type"):
            self.add_error("dedication_type", _("Choose 'in honour of' or 'in memory of'."))
        return data

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, message) pairs for the summary at the top, in the form's order."""
        summary = [("", str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                target = self[name].auto_id if name not in ("amount_choice",) else "amounts"
                if isinstance(field.widget, forms.RadioSelect):
                    target = f"{self[name].auto_id}_0"
                summary.append((target, str(message)))
        return summary
