from wagtail import hooks

from ijm_site.page_cache import uses_query_params


@hooks.register("before_serve_page")
def declare_the_query_params_a_page_reads(page, request, serve_args, serve_kwargs):
    """Every Wagtail page tells the page cache which query parameters it reads (none unless its
    model says so in ``page_cache_query_params``), so other parameters never make new entries."""
    uses_query_params(request, *getattr(page, "page_cache_query_params", ()))
