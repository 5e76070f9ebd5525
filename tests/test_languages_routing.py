"""Two languages, one site: English at /, Filipino under /fil/, chosen by the address alone."""

import re

import pytest
from django.utils import translation

from pages.models import StandardPage
from tests.language_tree import FILIPINO_HOME_TITLE, build_filipino_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_languages(seeded_site):
    return build_filipino_tree(seeded_site)


@pytest.fixture(autouse=True)
def _own_generation_file(settings, tmp_path):
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def test_english_stays_at_the_root_and_filipino_lives_under_fil(client, two_languages):
    english = client.get("/")
    filipino = client.get("/fil/")
    assert english.status_code == filipino.status_code == 200
    assert html_lang(english) == "en" and english["Content-Language"] == "en"
    assert html_lang(filipino) == "fil" and filipino["Content-Language"] == "fil"
    assert FILIPINO_HOME_TITLE in filipino.content.decode()
    assert FILIPINO_HOME_TITLE not in english.content.decode()


def test_every_english_page_keeps_its_address_and_has_a_filipino_twin(client, two_languages):
    for english, filipino in two_languages.items():
        assert filipino.url == "/fil" + english.url
        assert client.get(english.url).status_code == 200, english.url
        response = client.get(filipino.url)
        assert response.status_code == 200, filipino.url
        assert html_lang(response) == "fil"


def test_an_english_page_never_turns_filipino_by_browser_language_or_cookie(client, two_languages):
    client.cookies["django_language"] = "fil"
    response = client.get("/", headers={"accept-language": "fil,tl;q=0.9"})
    assert html_lang(response) == "en"
    assert FILIPINO_HOME_TITLE not in response.content.decode()


def test_no_page_varies_on_the_browsers_language(client, two_languages):
    for url in ("/", "/fil/", "/search/", "/fil/search/", "/monthly-gift/", "/fil/monthly-gift/"):
        response = client.get(url, headers={"accept-language": "fil"})
        assert "accept-language" not in vary(response), url


def test_the_page_cache_stores_and_serves_both_languages_apart(client, two_languages):
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/fil/")["X-Cache"] == "MISS"
    english = client.get("/", headers={"accept-language": "fil"})
    filipino = client.get("/fil/")
    assert english["X-Cache"] == filipino["X-Cache"] == "HIT"
    assert html_lang(english) == "en" and html_lang(filipino) == "fil"
    assert FILIPINO_HOME_TITLE in filipino.content.decode()


def test_admin_sitemap_robots_and_the_webhook_stay_unprefixed(client, two_languages):
    assert client.get("/admin/").status_code == 302
    assert client.get("/fil/admin/").status_code == 404
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/fil/sitemap.xml").status_code == 404
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/fil/robots.txt").status_code == 404
    assert (
        client.post("/stripe/webhook/", data="{}", content_type="application/json").status_code
        == 400
    )
    assert (
        client.post("/fil/stripe/webhook/", data="{}", content_type="application/json").status_code
        != 400
    )


def test_the_monthly_gift_pages_answer_in_both_languages(client, two_languages):
    assert html_lang(client.get("/monthly-gift/")) == "en"
    assert html_lang(client.get("/fil/monthly-gift/")) == "fil"


def test_a_missing_page_says_so_in_the_language_of_its_address(client, two_languages):
    english = client.get("/no-such-page/")
    filipino = client.get("/fil/walang-ganitong-pahina/")
    assert english.status_code == filipino.status_code == 404
    assert html_lang(english) == "en" and html_lang(filipino) == "fil"
    with translation.override("fil"):
        heading = translation.gettext("We can't find that page")
    assert heading in filipino.content.decode()
    assert 'href="/fil/">' in filipino.content.decode()


def test_search_under_fil_searches_the_filipino_tree_only(client, two_languages):
    english_only = StandardPage(title="Salamangkero walang salin", slug="walang-salin")
    two_languages_home = next(iter(two_languages))
    two_languages_home.add_child(instance=english_only)
    english_only.save_revision().publish()
    filipino_home = two_languages[two_languages_home]
    filipino_only = StandardPage(title="Salamangkero sa Filipino", slug="sa-filipino")
    filipino_home.add_child(instance=filipino_only)
    filipino_only.save_revision().publish()

    english = client.get("/search/", {"query": "Salamangkero"}).content.decode()
    filipino = client.get("/fil/search/", {"query": "Salamangkero"}).content.decode()
    assert "Salamangkero walang salin" in english and "Salamangkero sa Filipino" not in english
    assert "Salamangkero sa Filipino" in filipino and "Salamangkero walang salin" not in filipino
    assert 'href="/fil/sa-filipino/"' in filipino


def test_a_filipino_home_published_by_another_process_gets_its_addresses_here(client, seeded_site):
    """Wagtail caches the home pages per language in each process's local memory; a process that
    missed the Filipino home being published must still link the Filipino pages."""
    from django.core.cache import cache
    from wagtail.models import Site
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

    from ijm_site import page_cache

    client.get("/about/")
    seen_before = page_cache.site_roots.marker()
    stale = Site.get_site_root_paths()
    build_filipino_tree(seeded_site)  # "another process": then undo what this one learnt
    cache.set(SITE_ROOT_PATHS_CACHE_KEY, stale, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)
    page_cache.site_roots._seen = seen_before

    html = client.get("/about/").content.decode()
    assert 'href="/fil/about/" lang="fil"' in html
