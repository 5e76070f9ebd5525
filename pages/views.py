"""Site search: Wagtail search over the live, public pages of this site, in one language."""

import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from ijm_site.page_cache import uses_query_params

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def search_words(query: str) -> str:
    """The words of what the visitor typed, and nothing the search engine could parse.

    SQLite's full-text search reads quotes, brackets and stars as its own syntax (an unmatched
    ``"`` is an error) and PostgreSQL refuses a NUL in any string, so only words are searched:
    ``children"s`` becomes ``children s``, which finds "children's" as the index splits it too.
    """
    return " ".join(WORD.findall(query))


def _snippet(page) -> str:
    describe = getattr(page, "get_meta_description", None)
    text = describe() if describe else page.search_description
    return Truncator(" ".join((text or "").split())).words(30)


def language_home(request):
    """The home page of the visitor's language in this site (its Filipino tree sits beside the
    English one), or None when that language has no tree yet: search then finds nothing rather
    than pages in the other language."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    return (
        site.root_page.get_translations(inclusive=True)
        .filter(locale__language_code=get_language())
        .first()
    )


def search(request):
    uses_query_params(request, "query", "page")
    typed = CONTROL_CHARACTERS.sub(" ", request.GET.get("query", ""))
    query = " ".join(typed.split())[:MAX_QUERY_LENGTH]
    words = search_words(query)
    results_page = None
    total = 0
    problem = ""
    if query and not words:
        problem = _("Please search with letters or numbers; punctuation alone finds nothing.")
    elif words:
        pages = Page.objects.live().public()
        home = language_home(request)
        pages = pages.descendant_of(home, inclusive=True) if home else pages.none()
        results = pages.specific().search(words)
        paginator = Paginator(results, RESULTS_PER_PAGE)
        try:
            results_page = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            results_page = paginator.page(1)
        total = paginator.count
    return render(
        request,
        "pages/search.html",
        {
            "query": query,
            "results": results_page,
            "items": [(page, _snippet(page)) for page in results_page or []],
            "total": total,
            "problem": problem,
        },
    )
