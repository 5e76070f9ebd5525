"""Search engines and social networks get a title, description, canonical URL, sharing card and,
on the home page, the organisation as schema.org JSON-LD."""

import json
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import Site

from pages.images import SiteImage
from pages.models import StoryPage
from pages.seo import SOCIAL_IMAGE_FILTER, postal_address
from pages.settings import OrganisationSettings
from tests.conftest import publish_confirmed_story

pytestmark = pytest.mark.django_db


def _head(client, url="/"):
    html = client.get(url).content.decode()
    return html[: html.index("</head>")]


def _meta(head, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', head)
    return match.group(1) if match else None


def _json_ld(head):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    return [json.loads(block) for block in blocks]


def _image(title, size=(1600, 1000), description="A view of Manila Bay at dusk"):
    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, "JPEG")
    return SiteImage.objects.create(
        title=title,
        description=description,
        file=SimpleUploadedFile(f"{title}.jpg", out.getvalue()),
        width=0,
        height=0,
    )


def _card_url(image):
    return "http://testserver" + image.get_rendition(SOCIAL_IMAGE_FILTER).url


def test_the_home_page_carries_title_description_canonical_and_sharing_tags(client, seeded_site):
    head = _head(client)
    title = "IJM Philippines: ending the online sexual exploitation of children"
    assert f"<title>{title}</title>" in head
    assert _meta(head, "name", "description").startswith("IJM works with the Philippine")
    assert '<link rel="canonical" href="http://localhost/">' in head
    assert _meta(head, "property", "og:title") == title
    assert _meta(head, "property", "og:type") == "website"
    assert _meta(head, "property", "og:url") == "http://localhost/"
    assert _meta(head, "property", "og:site_name") == "IJM Philippines"
    assert _meta(head, "property", "og:description") == _meta(head, "name", "description")
    assert _meta(head, "name", "twitter:card") == "summary_large_image"
    assert _meta(head, "name", "twitter:title") == title
    assert head.count('name="description"') == 1


def test_the_home_page_describes_the_organisation_in_json_ld(client, seeded_site):
    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.email = "osec@ijm.org"
    organisation.facebook_url = "https://www.facebook.com/IJMPhilippines"
    organisation.x_url = "https://x.com/IJMPhilippines"
    organisation.save()

    (data,) = _json_ld(_head(client))

    assert data["@context"] == "https://schema.org" and data["@type"] == "NGO"
    assert data["name"] == "IJM Philippines"
    assert data["url"] == "https://www.OSEC.IJM.org"
    assert data["telephone"] == "632 8 637 3983" and data["faxNumber"] == "632 8 633 7707"
    assert data["email"] == "osec@ijm.org"
    assert data["sameAs"] == [
        "https://www.facebook.com/IJMPhilippines",
        "https://x.com/IJMPhilippines",
    ]
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "19/F Marco Polo, Ortigas, Sapphire Road, Ortigas Center",
        "addressLocality": "Pasig City",
        "postalCode": "1600",
        "addressCountry": "PH",
    }


def test_json_ld_only_on_the_home_page(client, seeded_site):
    assert _json_ld(_head(client, "/stories/aarons-story/")) == []


def test_json_ld_cannot_break_out_of_its_script_element(client, seeded_site):
    seeded_site.tagline = "</script><script>alert('x')</script> & more"
    seeded_site.save_revision().publish()
    head = _head(client)
    assert "<script>alert" not in head
    (data,) = _json_ld(head)
    assert data["description"] == "</script><script>alert('x')</script> & more"


def test_a_story_is_an_article_whose_summary_describes_it(client, seeded_site):
    head = _head(client, "/stories/aarons-story/")
    assert _meta(head, "property", "og:type") == "article"
    assert _meta(head, "name", "description").startswith("Aaron* is a five-year-old boy")
    assert '<link rel="canonical" href="http://localhost/stories/aarons-story/">' in head
    assert _meta(head, "property", "og:title") == "Aaron&#x27;s Story"


def test_sharing_uses_the_page_image_then_the_main_image_then_the_default(client, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en")
    head = _head(client, "/stories/aarons-story/")
    # With no picture anywhere, the site's own illustrated card (issue 10).
    assert _meta(head, "property", "og:image") == "http://testserver/static/img/sharing-default.png"
    assert _meta(head, "name", "twitter:image") == _meta(head, "property", "og:image")

    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.social_image = default = _image("default")
    organisation.save()
    head = _head(client, "/stories/aarons-story/")
    assert _meta(head, "property", "og:image") == _card_url(default)

    story.image = drawings = _image("drawings", description="Crayon drawings of superheroes")
    publish_confirmed_story(story)
    head = _head(client, "/stories/aarons-story/")
    assert _meta(head, "property", "og:image") == _card_url(drawings)
    assert _meta(head, "property", "og:image:alt") == "Crayon drawings of superheroes"

    story.social_image = card = _image("card")
    publish_confirmed_story(story)
    head = _head(client, "/stories/aarons-story/")
    image_url = _meta(head, "property", "og:image")
    assert image_url == _card_url(card)
    assert _meta(head, "name", "twitter:image") == image_url
    assert _meta(head, "name", "twitter:card") == "summary_large_image"
    assert _meta(head, "property", "og:image:width") == "1200"
    assert _meta(head, "property", "og:image:height") == "630"
    path = image_url.removeprefix("http://testserver")
    rendition = story.social_image.renditions.get()
    assert rendition.url == path
    with rendition.file.open("rb") as f, Image.open(f) as card:
        assert card.size == (1200, 630) and card.format == "JPEG"


def test_an_address_without_country_or_postcode_is_kept_as_street_address():
    assert postal_address(["1 Road", "Town"]) == {
        "@type": "PostalAddress",
        "streetAddress": "1 Road, Town",
    }
