"""What search engines and social networks read about a page.

`page_meta()` gathers a page's title, description, canonical address and sharing picture, and,
on the home page, the organisation as schema.org JSON-LD built from Organisation details.
The template `includes/meta_tags.html` writes them into <head>.

The sharing picture is the page's own, else its main picture, else the one staff chose in
Organisation details, else the site's illustrated default (static/img/sharing-default.png, drawn
by scripts/make_brand_images.py), so a share never comes without a picture.
"""

import json
import re

from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from pages.settings import OrganisationSettings

SOCIAL_IMAGE_FILTER = "fill-1200x630-c100|format-jpeg|jpegquality-85"
DESCRIPTION_WORDS = 40
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
    }
    if is_home:
        meta["json_ld"] = json_ld(organisation_json_ld(organisation, canonical, specific.tagline))
    return meta
