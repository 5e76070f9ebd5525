"""What search engines and social networks read about a page.

`page_meta()` gathers a page's title, description, canonical address and sharing picture, and,
on the home page, the organisation as schema.org JSON-LD built from Organisation details.
The template `includes/meta_tags.html` writes them into <head>.

Every language's version of a page names the others (`<link rel="alternate" hreflang>`, both
ways, plus `x-default` for the English one), and each has its own canonical address.
`LocalisedSitemap` lists the live pages of every language's tree, each with its alternates.

The sharing picture is the page's own, else its main picture, else the one staff chose in
Organisation details, else the site's illustrated default (static/img/sharing-default.png, drawn
by scripts/make_brand_images.py), so a share never comes without a picture.
"""

import json
import re
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page, Site

from pages.settings import OrganisationSettings

SOCIAL_IMAGE_FILTER = "fill-1200x630-c100|format-jpeg|jpegquality-85"
DESCRIPTION_WORDS = 40
# Open Graph names Filipino after Facebook's locale list, which calls it tl_PH.
OPEN_GRAPH_LOCALES = {"en": "en_PH", "fil": "tl_PH"}
DEFAULT_SHARING_IMAGE = {"path": "img/sharing-default.png", "width": 1200, "height": 630}

# The same escapes as Django's json_script: the JSON can never close its <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> data block, safely escaped."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308


def postal_address(lines: list[str]) -> dict:
    """schema.org PostalAddress from the address lines staff typed in Organisation details."""
    lines = list(lines)
    address = {"@type": "PostalAddress"}
    if lines and lines[-1].strip().lower() == "philippines":
        lines.pop()
        address["addressCountry"] = "PH"
    if lines:
        match = re.fullmatch(r"(?P<locality>.*?)\s*(?P<postcode>\d{4})", lines[-1].strip())
        if match:
            lines.pop()
            address["addressLocality"] = match["locality"].strip(" ,")
            address["postalCode"] = match["postcode"]
    if lines:
        address["streetAddress"] = ", ".join(lines)
    return address


def organisation_json_ld(
    organisation: OrganisationSettings, home_url: str, description: str = ""
) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NGO",
        "name": organisation.name,
        "url": organisation.web_address or home_url,
    }
    if description:
        data["description"] = description
    if organisation.address_lines:
        data["address"] = postal_address(organisation.address_lines)
    for key, value in (
        ("telephone", organisation.phone),
        ("faxNumber", organisation.fax),
        ("email", organisation.email),
    ):
        if value:
            data[key] = value
    same_as = [url for _label, url in organisation.social_links]
    if same_as:
        data["sameAs"] = same_as
    return data


def live_versions(page, request=None) -> dict:
    """The live, public versions of ``page`` by language code, itself included when live.

    Read once per page and request: the switcher, the alternates, the header's home link and
    menu all ask."""
    known = getattr(request, "_live_versions", None) if request is not None else None
    if known is None:
        known = {}
        if request is not None:
            request._live_versions = known
    if page.pk not in known:
        versions = page.get_translations(inclusive=True).live().public().select_related("locale")
        known[page.pk] = {version.locale.language_code: version for version in versions}
    return known[page.pk]


def live_home(request, language: str):
    """The live home page of ``language``'s tree in the request's site, or None."""
    site = Site.find_for_request(request)
    return live_versions(site.root_page, request).get(language) if site is not None else None


def _language_order(code: str) -> int:
    codes = [language for language, _name in settings.LANGUAGES]
    return codes.index(code) if code in codes else len(codes)


def alternates(versions: dict, url_of) -> list[dict]:
    """hreflang links for a page's versions (``url_of(page)`` gives an address), English again
    as x-default; none for a page that exists in one language only."""
    if len(versions) < 2:
        return []
    links = [
        {"hreflang": code, "href": url_of(versions[code])}
        for code in sorted(versions, key=_language_order)
    ]
    default = versions.get(settings.LANGUAGE_CODE)
    if default is not None:
        links.append({"hreflang": "x-default", "href": url_of(default)})
    return links


class LocalisedSitemap(Sitemap):
    """Wagtail's sitemap covers the site root's descendants only; the Filipino tree is the root's
    translation, beside it, so this lists every language's tree, and each page with the other
    language's version of it (``xhtml:link`` alternates, read from the same listing)."""

    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_a_tree = Q(pk__in=[])
        for root in roots:
            in_a_tree |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(in_a_tree)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        versions = defaultdict(dict)
        for item in items:
            versions[item.translation_key][languages.get(item.locale_id)] = item
        urls = []
        last_mods = set()
        for item in items:
            links = alternates(versions[item.translation_key], self.location)
            for url_info in item.get_sitemap_urls(self.request):
                if links:
                    url_info["alternates"] = [
                        {"lang_code": link["hreflang"], "location": link["href"]} for link in links
                    ]
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


def _sharing_image(request, image, rendition, site_name: str) -> dict:
    if rendition is not None:
        return {
            "image": _absolute(request, rendition.url),
            "image_alt": image.default_alt_text,
            "image_width": rendition.width,
            "image_height": rendition.height,
        }
    return {
        "image": _absolute(request, static(DEFAULT_SHARING_IMAGE["path"])),
        "image_alt": gettext(
            "%(name)s: ending the online sexual exploitation of children. A drawing of an adult "
            "and a child in front of a rising sun."
        )
        % {"name": site_name},
        "image_width": DEFAULT_SHARING_IMAGE["width"],
        "image_height": DEFAULT_SHARING_IMAGE["height"],
    }


def page_meta(page, request, organisation: OrganisationSettings) -> dict:
    from pages.models import HomePage

    specific = page.specific
    describe = getattr(specific, "get_meta_description", None)
    description = describe() if describe else (getattr(page, "search_description", "") or "")
    description = Truncator(" ".join(description.split())).words(DESCRIPTION_WORDS)

    get_image = getattr(specific, "get_social_image", None)
    image = (get_image() if get_image else None) or organisation.social_image
    rendition = image.get_rendition(SOCIAL_IMAGE_FILTER) if image else None

    site_name = organisation.name
    title = page.seo_title or page.title
    is_home = isinstance(specific, HomePage)
    canonical = page.get_full_url(request)
    meta = {
        "title": title,
        "site_name": site_name,
        "description": description,
        "canonical": canonical,
        "type": "website" if is_home else "article",
        **_sharing_image(request, image, rendition, site_name),
        "json_ld": "",
        "locale": OPEN_GRAPH_LOCALES.get(get_language(), "en_PH"),
        "alternates": alternates(live_versions(page, request), lambda p: p.get_full_url(request)),
    }
    if is_home:
        meta["json_ld"] = json_ld(organisation_json_ld(organisation, canonical, specific.tagline))
    return meta
