from django import template
from django.utils.translation import get_language
from wagtail.models import Page, Site

from pages.seo import live_versions

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_pages(context):
    """The live, public pages directly under the home page of the visitor's language (the
    site's own when that language has none yet) marked 'show in menus'."""
    root = site_root(context)
    if root is None:
        return Page.objects.none()
    return root.get_children().live().public().in_menu().specific(defer=True)


@register.simple_tag(takes_context=True)
def site_root(context):
    """The home page in the visitor's language, else the site's own."""
    request = context.get("request")
    if request is None:
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    return live_versions(site.root_page, request).get(get_language()) or site.root_page
