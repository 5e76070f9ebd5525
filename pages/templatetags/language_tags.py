"""The language switcher in every page's header: the same page in the other language.

A Wagtail page links its live translation (and, on a routable page such as the donate page's
thank-you, the same sub-address under it); without a live translation yet, that language's home.
Any other view (search, the monthly-gift pages, a 404) links the same address under the other
language's prefix (Django's ``translate_url``).

Only the query parameters the page cache keys the answer on are carried (ijm_site/page_cache.py:
a cached page is shared by every visitor whose query differs in other parameters only, so a link
may not depend on them): the donate page's choices, the search words, a listing's page number.
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from wagtail.models import Page

from ijm_site.page_cache import keyed_query
from pages.seo import live_home, live_versions

register = template.Library()


def language_home_url(request, language: str) -> str:
    """The live home page of ``language``'s tree, else that language's root address."""
    home = live_home(request, language)
    url = home.get_url(request) if home is not None else None
    if url is not None:
        return url
    with translation.override(language):
        try:
            return reverse("wagtail_serve", args=("",))
        except NoReverseMatch:
            return "/"


def _page_url_in(page, request, language: str) -> str | None:
    """``page``'s live translation in ``language`` (with the sub-address this request asked for
    under a routable page), or None."""
    translated = live_versions(page, request).get(language)
    if translated is None:
        return None
    if translated.pk == page.pk:
        translated = page  # as shown (a preview shows a draft)
    url = translated.get_url(request)
    if url is None:
        return None
    parts = page.get_url_parts(request)
    page_path = parts[2] if parts else None
    if page_path and request.path.startswith(page_path) and url.endswith("/"):
        url += request.path[len(page_path) :]
    return url


def _view_url_in(request, language: str) -> str | None:
    translated = translate_url(request.path, language)
    if translated == request.path and language != translation.get_language():
        return None  # nothing by that name in the other language
    return translated


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: its own name, its address and whether it is the current one."""
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    current = translation.get_language()
    query = keyed_query(request)
    links = []
    for code, _name in settings.LANGUAGES:
        if isinstance(page, Page) and page.pk is not None:
            url = _page_url_in(page, request, code)
        else:
            url = _view_url_in(request, code)
        if url is None:
            url = language_home_url(request, code)
        elif query:
            url = f"{url}?{urlencode(query)}"
        links.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def carried_choices(context) -> str:
    """The names of the form choices the switcher carries (space-separated), on a page whose
    form opens with choices from its address; empty elsewhere."""
    page = context.get("page")
    names = getattr(getattr(page, "specific_deferred", page), "choice_params", None) or ()
    return " ".join(names)
