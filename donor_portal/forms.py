"""The portal's forms. Each says exactly what is wrong and keeps what was typed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from donations.money import format_money, to_minor_units
from donor_portal.changes import PAUSE_MONTHS, amount_limits


class RequestLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("The address you gave when you started your monthly gift."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class AmountForm(forms.Form):
    amount = forms.DecimalField(
        label=_("New monthly amount"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": _("Enter the new monthly amount."),
            "invalid": _("Enter the amount as a number, like 500."),
            "min_value": _("Enter an amount above zero."),
            "max_decimal_places": _("Use at most two decimal places."),
            "max_digits": _("That amount is too large."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )

    def __init__(self, *args, gift, **kwargs):
        super().__init__(*args, **kwargs)
        self.gift = gift
        self.fields["amount"].help_text = _("In %(currency)s, from %(low)s to %(high)s.") % {
            "currency": gift.currency,
            "low": format_money(amount_limits(gift.currency)[0], gift.currency),
            "high": format_money(amount_limits(gift.currency)[1], gift.currency),
        }

    def clean_amount(self) -> int:
        currency = self.gift.currency
        minor = to_minor_units(self.cleaned_data["amount"], currency)
        low, high = amount_limits(currency)
        if minor < low:
            raise forms.ValidationError(
                _("The smallest monthly gift is %(low)s.") % {"low": format_money(low, currency)}
            )
        if minor > high:
            raise forms.ValidationError(
                _("The largest monthly gift online is %(high)s; please contact us for more.")
                % {"high": format_money(high, currency)}
            )
        if minor == self.gift.amount:
            raise forms.ValidationError(
                _("Your gift is already %(amount)s a month.") % {"amount": self.gift.amount_display}
            )
        return minor


class PauseForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Pause for"),
        coerce=int,
        choices=[
            (1, _("1 month")),
            (2, _("2 months")),
            (3, _("3 months")),
        ],
        error_messages={
            "required": _("Choose how many months to pause."),
            "invalid_choice": _("Choose a pause of 1, 2 or 3 months."),
        },
        widget=forms.RadioSelect,
    )

    def clean_months(self) -> int:
        months = self.cleaned_data["months"]
        if months not in PAUSE_MONTHS:
            raise forms.ValidationError(_("Choose a pause of 1, 2 or 3 months."))
        return months


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you stopping? (optional)"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Please keep the reason under 500 characters.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
