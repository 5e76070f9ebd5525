"""Search engines see both languages: reciprocal hreflang, a canonical per language, a sitemap
listing both trees."""

import re

import pytest
from defusedxml import ElementTree as ET

from pages.models import StandardPage
from tests.language_tree import build_filipino_tree, live_pages

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def two_languages(seeded_site):
    return build_filipino_tree(seeded_site)


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html)[1]


def test_hreflang_is_reciprocal_on_every_page_of_both_languages(client, two_languages):
    pages = live_pages("en") + live_pages("fil")
    assert len(pages) == 2 * len(two_languages)
    seen = {}
    for page in pages:
        html = client.get(page.url).content.decode()
        links = alternates(html)
        assert set(links) == {"en", "fil", "x-default"}, page.url
        assert links[page.locale.language_code] == canonical(html) == page.full_url
        seen[page.full_url] = links
    for url, links in seen.items():
        for language in ("en", "fil"):
            assert seen[links[language]] == links, f"{url} and {links[language]} disagree"
        assert links["x-default"] == links["en"]


def test_a_page_in_one_language_only_names_no_alternates(client, two_languages):
    home = next(iter(two_languages))
    only = StandardPage(title="Only in English", slug="only-in-english")
    home.add_child(instance=only)
    only.save_revision().publish()
    html = client.get("/only-in-english/").content.decode()
    assert alternates(html) == {}
    assert canonical(html) == only.full_url


def test_the_filipino_pages_say_their_open_graph_locale(client, two_languages):
    assert '<meta property="og:locale" content="tl_PH">' in client.get("/fil/").content.decode()
    assert '<meta property="og:locale" content="en_PH">' in client.get("/").content.decode()


def test_the_sitemap_lists_both_languages_with_their_alternates(client, two_languages):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    entries = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in ET.fromstring(response.content).iter(f"{SITEMAP}url")
    }
    for english, filipino in two_languages.items():
        assert english.full_url in entries and filipino.full_url in entries
        expected = {"en": english.full_url, "fil": filipino.full_url, "x-default": english.full_url}
        assert entries[english.full_url] == entries[filipino.full_url] == expected
