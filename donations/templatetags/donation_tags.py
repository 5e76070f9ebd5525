from django import template
from django.core.cache import cache

from donations.models import DonatePage
from donations.money import format_money

register = template.Library()

DONATE_PAGE_CACHE_KEY = "donations:donate-page-url"


def donate_page_url() -> str:
    """The live DonatePage's URL: one query at most, then cached until a page is published."""
    url = cache.get(DONATE_PAGE_CACHE_KEY)
    if url is None:
        page = DonatePage.objects.live().public().only("url_path", "path", "depth").first()
        url = (page.get_url() or "") if page else ""
        cache.set(DONATE_PAGE_CACHE_KEY, url, 300)
    return url


@register.simple_tag
def donate_url() -> str:
    return donate_page_url()


@register.filter
def money(amount, currency) -> str:
    return format_money(int(amount or 0), currency)
