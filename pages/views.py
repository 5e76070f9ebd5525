"""Site search: Wagtail search over the live, public pages of this site."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.text import Truncator
from wagtail.models import Page, Site

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def _snippet(page) -> str:
    describe = getattr(page, "get_meta_description", None)
    text = describe() if describe else page.search_description
    return Truncator(" ".join((text or "").split())).words(30)


def search(request):
    query = " ".join(request.GET.get("query", "").split())[:MAX_QUERY_LENGTH]
    results_page = None
    total = 0
    if query:
        site = Site.find_for_request(request)
        pages = Page.objects.live().public()
        if site is not None:
            pages = pages.in_site(site)
        results = pages.specific().search(query)
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
        },
    )
