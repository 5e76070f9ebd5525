from django import template
from wagtail.models import Page, Site

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
    """The home page in the visitor's language, else the site's own (Wagtail's ``localized``)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page.localized if site else None
