"""Money is an integer of minor units plus a currency code; this module is its only formatter.

PHP and USD both have two decimal places at Stripe (₱500.00 is ``50000``). Everything that shows
an amount to a person (page, receipt, admin listing, export) goes through :func:`format_money`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CURRENCIES: dict[str, dict] = {
    "PHP": {"symbol": "₱", "exponent": 2, "name": _("Philippine pesos")},
    "USD": {"symbol": "US$", "exponent": 2, "name": _("US dollars")},
}
"""``US$``, never a bare ``$``: on a Philippine site a bare dollar sign is ambiguous."""
CURRENCY_CHOICES = [("PHP", _("₱ Pesos")), ("USD", _("US$ Dollars"))]


def minor_per_major(currency: str) -> int:
    return 10 ** CURRENCIES[currency]["exponent"]


def to_minor_units(amount: Decimal | int | str, currency: str) -> int:
    """Whole or decimal major units (``"1500"``, ``Decimal("25.50")``) to integer minor units."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation as error:
        raise ValueError(f"{amount!r} is not an amount") from error
    return int((value * minor_per_major(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_money(amount: int, currency: str) -> str:
    """``150000, "PHP"`` → ``₱1,500``; ``2550, "USD"`` → ``US$25.50``.

    Whole amounts drop the decimals (donors think in round numbers); anything else shows them.
    Unknown currencies fall back to the code, so an odd Stripe event never breaks a page.
    """
    currency = (currency or "").upper()
    data = CURRENCIES.get(currency)
    if data is None:
        return f"{currency} {amount / 100:,.2f}".strip()
    per_major = minor_per_major(currency)
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(int(amount)), per_major)
    text = f"{whole:,}" if cents == 0 else f"{whole:,}.{cents:0{data['exponent']}d}"
    return f"{sign}{data['symbol']}{text}"


def format_gift(amount: int, currency: str, frequency: str) -> str:
    """``100000, "PHP", "monthly"`` → ``₱1,000 a month`` (one space); once → ``₱1,000``."""
    text = format_money(amount, currency)
    if frequency == "monthly":
        return gettext("%(amount)s a month") % {"amount": text}
    return text
