from django import template

from pages.seo import page_meta
from pages.settings import OrganisationSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def sharing_meta(context):
    """Description, canonical URL, Open Graph, Twitter card and (home) JSON-LD for the page."""
    request = context.get("request")
    page = context.get("page")
    if page is None or request is None or not hasattr(page, "get_full_url"):
        return None
    return page_meta(page, request, OrganisationSettings.for_request(request))
