"""Every page type, as `make serve` serves it: a share shows a picture, the page fits a phone and
a desktop, and axe finds nothing on the pages issue 10 added."""

import os
import re
import urllib.request
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import axe_violations

PAGES = {
    "home": "/",
    "story-index": "/stories/",
    "story": "/stories/aarons-story/",
    "standard": "/about/",
    "privacy": "/privacy/",
    "donate": "/donate/",
    "search": "/search/?query=aftercare",
    "not-found": "/no-such-page/",
}
SHAREABLE = ["home", "story-index", "story", "standard", "privacy", "donate"]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("name", SHAREABLE)
def test_a_share_of_any_page_shows_a_picture(served_site, name):
    status, _headers, body = _get(served_site.url + PAGES[name])
    assert status == 200
    head = body.decode().split("</head>")[0]
    image_url = re.search(r'<meta property="og:image" content="([^"]+)"', head)[1]
    assert image_url.startswith(served_site.url + "/static/")  # absolute, as networks need
    assert f'<meta name="twitter:image" content="{image_url}">' in head
    status, headers, picture = _get(image_url)
    assert status == 200 and headers["Content-Type"].startswith("image/")
    with Image.open(BytesIO(picture)) as card:
        assert card.size == (1200, 630)


@pytest.mark.parametrize("width", [360, 1280])
def test_every_page_type_fits_the_screen(served_site, browser, width):
    """Screenshots of every page type at phone and desktop width (E2E_SCREENSHOTS keeps them),
    and nothing wider than the screen."""
    folder = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp"))
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for name, path in PAGES.items():
            page.goto(served_site.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            page.screenshot(path=str(folder / f"pages-{name}-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/privacy/", "/about/"])
def test_axe_finds_nothing_on_the_standard_pages(served_site, axe_page, path):
    axe_page.goto(served_site.url + path)
    assert axe_violations(axe_page) == []
