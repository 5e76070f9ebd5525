from django import template
from django.utils.translation import get_language
from wagtail.models import Page, Site

from pages.seo import live_home

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
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    return live_home(request, get_language()) or site.root_page


@register.simple_tag(takes_context=True)
def site_tagline(context) -> str:
    """The footer's line under the organisation's name, in the language of the page shown.

    Read from that language's home page (free on the home page itself); pages that are not
    Wagtail pages (search, errors) use the active language's.
    """
    from wagtail.models import Locale

    from pages.models import HomePage

    page = context.get("page")
    if isinstance(page, HomePage):
        return page.tagline
    homes = HomePage.objects.live().order_by("path")
    if isinstance(page, Page):
        homes = homes.filter(locale_id=page.locale_id)
    else:
        homes = homes.filter(locale=Locale.get_active())
    return homes.values_list("tagline", flat=True).first() or ""


@register.simple_tag(takes_context=True)
def in_page_language(context, target):
    """``target`` (a page a setting links to, such as the privacy notice) in the language of
    the page shown: its live translation there, else ``target`` itself."""
    page = context.get("page")
    if target is None or not isinstance(page, Page) or page.locale_id == target.locale_id:
        return target
    return target.get_translations().live().filter(locale_id=page.locale_id).first() or target
