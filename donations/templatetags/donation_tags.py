"""Template tags other apps' templates use to point at giving, without importing donations."""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import date as date_filter

from donations.models import DonatePage, Frequency
from donations.money import format_money
from pages.localised import active_language, find_live_in_language

register = template.Library()

DONATE_PAGE_CACHE_KEY = "donations:donate-page-url"


def donate_page_url_cache_keys() -> list[str]:
    """One cached URL per language (each language has its own donate page)."""
    return [f"{DONATE_PAGE_CACHE_KEY}:{code}" for code, _name in settings.LANGUAGES]


def donate_page_url() -> str:
    """The live DonatePage's URL: one query at most, then cached until a page is published."""
    key = f"{DONATE_PAGE_CACHE_KEY}:{active_language()}"
    url = cache.get(key)
    if url is None:
        page = find_live_donate_page()
        url = (page.get_url() or "") if page else ""
        cache.set(key, url, 300)
    return url


@register.simple_tag
def donate_url() -> str:
    return donate_page_url()


@register.filter
def money(amount, currency) -> str:
    return format_money(int(amount or 0), currency)


LETTER_DATE_FORMATS = {
    "en": {"long": "j F Y", "short": "j M Y"},
    "fil": {"long": "F j, Y", "short": "M j, Y"},
}
"""A date in a letter (receipt, statement) as each language writes it: "29 November 2026" in
English, "Nobyembre 29, 2026" in Filipino (month names from the catalogue)."""


@register.filter(expects_localtime=True)
def letter_date(value, length: str = "long") -> str:
    formats = LETTER_DATE_FORMATS.get(active_language(), LETTER_DATE_FORMATS["en"])
    return date_filter(value, formats.get(length, formats["long"]))


def find_live_donate_page() -> DonatePage | None:
    """The active language's live donate page (the default language's while it has none)."""
    return find_live_in_language(DonatePage)


@register.inclusion_tag("donations/includes/donate_ask.html")
def donate_ask(currency: str = "PHP"):
    """The ask at the end of a story: a heading and the donate page's one-time presets as links.

    Each link carries its choice (``DonatePage.choice_params``) so the form opens with that
    amount chosen: a donor gives in one more click. Renders nothing without a live donate page.
    """
    page = find_live_donate_page()
    if page is None:
        return {"page": None}
    presets = list(page.presets.all())
    frequency = Frequency.ONCE
    default = page.default_for(currency, frequency, presets)
    amounts = [
        {
            "label": format_money(amount, currency),
            "url": page.url_with_choices(
                currency=currency, frequency=frequency, amount_choice=amount
            ),
            "is_default": amount == default,
        }
        for amount in page.presets_for(currency, frequency, presets)
    ]
    return {"page": page, "amounts": amounts}
