"""Images reach phones as AVIF or WebP, sized for the screen, without shifting the page."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, features

from pages.images import SiteImage
from pages.models import StoryIndexPage, StoryPage
from tests.conftest import publish_confirmed_story

pytestmark = pytest.mark.django_db


def _image(name: str, size=(1600, 900)) -> SiteImage:
    picture = Image.new("RGB", size, (11, 37, 69))
    for x in range(0, size[0], 40):
        for y in range(size[1]):
            picture.putpixel((x, y), (179, 38, 30))
    data = BytesIO()
    picture.save(data, "JPEG", quality=90)
    return SiteImage.objects.create(
        title=name,
        file=SimpleUploadedFile(f"{name}.jpg", data.getvalue()),
        width=0,
        height=0,
        description="An abstract pattern of red lines on navy blue",
    )


def _picture(html: str, css_class: str) -> tuple[list[dict], dict]:
    """The <source> elements and the <img> of the <picture> whose image has this class."""
    for picture in re.findall(r"<picture>.*?</picture>", html, re.S):
        tags = [
            (name, dict(re.findall(r'([\w-]+)="([^"]*)"', attributes)))
            for name, attributes in re.findall(r"<(source|img) ([^>]+)>", picture)
        ]
        img = next(attrs for name, attrs in tags if name == "img")
        if css_class in img.get("class", "").split():
            return [attrs for name, attrs in tags if name == "source"], img
    raise AssertionError(f"no <picture> with class {css_class}")


def test_pillow_can_write_avif_and_webp():
    assert features.check("avif") and features.check("webp")


def test_the_hero_image_comes_in_avif_and_webp_with_high_priority(client, seeded_site):
    seeded_site.hero_image = _image("hero")
    seeded_site.save_revision().publish()

    sources, img = _picture(client.get("/").content.decode(), "hero__image")
    assert [source["type"] for source in sources] == ["image/avif", "image/webp"]
    for source in sources:
        assert source["sizes"] == "100vw"
        assert re.fullmatch(r"\S+ 480w, \S+ 960w, \S+ 1440w", source["srcset"])
    assert img["fetchpriority"] == "high"
    assert "loading" not in img  # the first thing on screen is never lazy
    assert (img["width"], img["height"]) == ("480", "270")
    assert img["alt"] == "An abstract pattern of red lines on navy blue"


def test_story_images_below_the_fold_load_lazily_with_their_size_set(client, seeded_site):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    story = StoryPage.objects.child_of(index).get()
    story.image = _image("story", size=(1200, 800))
    publish_confirmed_story(story)

    sources, img = _picture(client.get("/stories/").content.decode(), "card__image")
    assert [source["type"] for source in sources] == ["image/avif", "image/webp"]
    assert all(source["sizes"] == "(min-width: 48em) 30vw, 100vw" for source in sources)
    assert img["loading"] == "lazy"
    assert (img["width"], img["height"]) == ("400", "250")


def test_renditions_are_real_avif_and_webp_files(client, seeded_site):
    seeded_site.hero_image = _image("hero")
    seeded_site.save_revision().publish()
    sources, _ = _picture(client.get("/").content.decode(), "hero__image")
    for source, kind in zip(sources, ("AVIF", "WEBP"), strict=True):
        url = source["srcset"].split(" ")[0]
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        with Image.open(BytesIO(body)) as rendition:
            assert rendition.format == kind
            assert rendition.size == (480, 270)


def test_publishing_makes_every_rendition_the_pages_will_ask_for(
    client, seeded_site, django_capture_on_commit_callbacks
):
    from pages.images import SiteRendition

    story = StoryPage.objects.get(locale__language_code="en")
    with django_capture_on_commit_callbacks(execute=True):
        seeded_site.hero_image = _image("hero")
        seeded_site.save_revision().publish()
        story.image = _image("story", size=(1200, 800))
        publish_confirmed_story(story)
    made = SiteRendition.objects.count()
    assert made == 10 + 13  # hero: 3 sizes x 3 formats; story: 4 x 3; each a sharing image

    for url in ("/", "/stories/", story.url):
        assert client.get(url).status_code == 200
    assert SiteRendition.objects.count() == made  # nothing left for the first visitor to wait for
