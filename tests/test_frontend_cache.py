"""The HTTP cache in front: a real Varnish (Debian's varnishd) with the repo's VCL, on loopback,
in front of the test's live server; what it keeps, what it never keeps, and that every kind of
change is fresh through it at once (issue 13, item 1).

varnishd must be installed (.ci/run installs it): without it these tests fail and say so.
"""

import logging
import socket
from io import BytesIO
from urllib.parse import urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page, Site

from pages.images import SiteImage
from pages.models import StandardPage, StoryIndexPage, StoryPage
from pages.settings import OrganisationSettings
from scripts.varnish import Backend, Varnish
from tests.conftest import publish_confirmed_story

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _own_generation_file(settings, tmp_path):
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"


@pytest.fixture(scope="session")
def varnish(live_server):
    """One varnishd for the session, in front of pytest-django's live server."""
    port = int(live_server.url.rsplit(":", 1)[1])
    with Varnish([Backend("127.0.0.1", port)], probe_host="localhost") as running:
        yield running


@pytest.fixture
def edge(varnish, settings, seeded_site):
    """The seeded site behind an empty Varnish, with Wagtail purging it."""
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "ijm_site.frontend_cache.VarnishBackend",
            "LOCATION": varnish.url,
            "TIMEOUT": 2,
        }
    }
    response = requests.request("BAN", f"{varnish.url}/", headers={"X-Ban-All": "1"}, timeout=5)
    assert response.status_code == 200
    return Edge(varnish.url)


class Edge:
    def __init__(self, url: str):
        self.url = url

    def get(self, path: str, host: str = "localhost", cookies=None) -> requests.Response:
        return requests.get(
            self.url + path,
            headers={"Host": host},
            cookies=cookies,
            allow_redirects=False,
            timeout=30,
        )

    def cached(self, path: str, **kwargs) -> requests.Response:
        """The page, stored in Varnish: its first answer, then a hit."""
        self.get(path, **kwargs)
        response = self.get(path, **kwargs)
        assert response.headers["X-Cache"] == "HIT", (path, response.headers)
        return response


def _story():
    return StoryPage.objects.live().get(locale__language_code="en")


def shows(response, text: str) -> bool:
    return escape(text) in response.text


class TestWhatVarnishKeeps:
    def test_a_public_page_is_kept_and_browsers_revalidate(self, edge):
        first = edge.get("/")
        second = edge.get("/")
        assert first.status_code == second.status_code == 200
        assert first.headers["X-Cache"] == "MISS"
        assert second.headers["X-Cache"] == "HIT"
        assert second.text == first.text
        assert second.headers["Cache-Control"] == "public, max-age=0, s-maxage=86400"

    def test_marketing_tags_and_parameter_order_share_one_object(self, edge, settings):
        edge.cached("/stories/?page=1")
        tags = "&".join(
            f"{pattern.replace('*', 'campaign')}=x"
            for pattern in settings.PAGE_CACHE_IGNORED_QUERY_PARAMS
        )
        response = edge.get(f"/stories/?{tags}&page=1")
        assert response.headers["X-Cache"] == "HIT"
        assert edge.get("/stories/?fbclid=abc&page=1&utm_source=mail").headers["X-Cache"] == "HIT"

    def test_the_hosts_case_and_port_do_not_make_a_new_object(self, edge):
        edge.cached("/")
        assert edge.get("/", host="LocalHost:8443").headers["X-Cache"] == "HIT"
        assert edge.get("/", host="LOCALHOST").headers["X-Cache"] == "HIT"

    def test_analytics_cookies_are_ignored_but_a_session_gets_its_own_page(self, edge):
        edge.cached("/")
        assert edge.get("/", cookies={"_ga": "GA1.1.5"}).headers["X-Cache"] == "HIT"
        response = edge.get("/", cookies={"sessionid": "whatever"})
        assert response.headers["X-Cache"] == "PASS"
        assert response.headers["X-App-Cache"] == "BYPASS"  # the app rendered it afresh

    @pytest.mark.parametrize(
        "path",
        [
            "/donate/",
            "/donate/thank-you/",
            "/search/?query=trafficking",
            "/admin/login/",
            "/monthly-gift/",
        ],
    )
    def test_forms_thank_you_search_results_and_the_admin_are_never_stored(
        self, edge, fake_stripe, path
    ):
        first = edge.get(path)
        second = edge.get(path)
        assert first.status_code < 500
        assert second.headers["X-Cache"] != "HIT"
        assert "private" in second.headers["Cache-Control"]

    def test_the_donate_form_still_comes_from_the_apps_own_cache_with_fresh_tokens(
        self, edge, fake_stripe
    ):
        first = edge.get("/donate/")
        second = edge.get("/donate/")
        assert second.headers["X-App-Cache"] == "HIT"
        assert first.cookies["csrftoken"] != second.cookies["csrftoken"]

    def test_search_without_a_query_and_a_missing_page_are_kept_briefly_or_long(self, edge):
        assert edge.cached("/search/").headers["Cache-Control"].startswith("public")
        missing = edge.cached("/no-such-page/")
        assert missing.status_code == 404
        assert missing.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"

    def test_a_post_goes_to_the_app_and_leaves_the_stored_page(self, edge):
        edge.cached("/")
        response = requests.post(f"{edge.url}/", headers={"Host": "localhost"}, timeout=30)
        assert response.headers["X-Cache"] == "PASS"
        assert edge.get("/").headers["X-Cache"] == "HIT"


class TestChangesAreFreshThroughVarnishAtOnce:
    def test_publishing_a_story_refreshes_it_its_index_and_the_home_page(self, edge):
        story = _story()
        for path in (story.url, "/stories/", "/stories/?page=1", "/"):
            edge.cached(path)

        story.title = "Maria's road home"
        story.summary = "A brand new summary everyone must see."
        publish_confirmed_story(story)

        assert shows(edge.get(story.url), "Maria's road home")
        for path in ("/stories/", "/stories/?page=1", "/"):
            response = edge.get(path)
            assert response.headers["X-Cache"] == "MISS", path
            assert shows(response, "Maria's road home"), path

    def test_a_purge_with_the_sites_hostname_reaches_pages_stored_under_another_host(self, edge):
        story = _story()
        edge.cached(story.url, host="127.0.0.1")
        assert Site.objects.get().hostname == "localhost"
        story.summary = "Seen under every name the site answers to."
        publish_confirmed_story(story)
        assert edge.get(story.url, host="127.0.0.1").headers["X-Cache"] == "MISS"

    def test_unpublishing_a_story_removes_it_from_every_page_that_showed_it(self, edge):
        story = _story()
        for path in (story.url, "/stories/", "/"):
            assert shows(edge.cached(path), story.title), path
        story.unpublish()
        assert edge.get(story.url).status_code == 404
        assert not shows(edge.get("/stories/"), story.title)
        assert not shows(edge.get("/"), story.title)

    def test_deleting_a_story_removes_it_everywhere(self, edge):
        story = _story()
        url, title = story.url, story.title
        for path in (url, "/stories/", "/"):
            assert shows(edge.cached(path), title), path
        story.delete()
        assert edge.get(url).status_code == 404
        assert not shows(edge.get("/stories/"), title)
        assert not shows(edge.get("/"), title)

    def test_moving_a_story_frees_its_old_address_and_serves_the_new(self, edge, settings):
        settings.WAGTAILREDIRECTS_AUTO_CREATE = False  # the move's own purge, no redirect's ban
        story = _story()
        old_url = story.url
        home = Page.objects.get(depth=2, locale__language_code="en").specific
        second_index = home.add_child(instance=StoryIndexPage(title="More stories", slug="more"))
        assert shows(edge.cached("/stories/"), story.title)
        assert not shows(edge.cached("/more/"), story.title)
        edge.cached(old_url)

        story.move(second_index, pos="last-child")

        story.refresh_from_db()
        assert story.url == "/more/aarons-story/"
        assert edge.get(old_url).status_code == 404
        assert edge.get(story.url).status_code == 200
        assert not shows(edge.get("/stories/"), story.title)
        assert shows(edge.get("/more/"), story.title)

    def test_a_slug_change_on_publish_frees_the_old_address(self, edge, settings):
        settings.WAGTAILREDIRECTS_AUTO_CREATE = False
        story = _story()
        old_url = story.url
        edge.cached(old_url)
        story.slug = "a-new-address"
        publish_confirmed_story(story)
        assert edge.get(old_url).status_code == 404
        assert edge.get("/stories/a-new-address/").status_code == 200

    def test_a_site_setting_shows_on_every_page_at_once(self, edge):
        story = _story()
        for path in ("/", story.url, "/stories/"):
            edge.cached(path)
        organisation = OrganisationSettings.for_site(Site.objects.get())
        organisation.phone = "632 8 000 1234"
        organisation.save()
        for path in ("/", story.url, "/stories/"):
            response = edge.get(path)
            assert response.headers["X-Cache"] == "MISS", path
            assert shows(response, "632 8 000 1234"), path

    def test_an_image_change_refreshes_every_page(self, edge):
        picture = BytesIO()
        Image.new("RGB", (120, 80), "orange").save(picture, "JPEG")
        image = SiteImage.objects.create(
            title="Drawings",
            description="Crayon drawings pinned to a wall",
            file=SimpleUploadedFile("drawings.jpg", picture.getvalue()),
            width=0,
            height=0,
        )
        for path in ("/", "/stories/"):
            edge.cached(path)
        image.title = "Volunteers at the shelter"
        image.save()
        for path in ("/", "/stories/"):
            assert edge.get(path).headers["X-Cache"] == "MISS", path

    def test_a_new_redirect_replaces_a_kept_not_found_page(self, edge):
        assert edge.cached("/old-story/").status_code == 404
        Redirect.add_redirect("/old-story", redirect_to="/stories/", is_permanent=True)
        response = edge.get("/old-story/")
        assert response.status_code == 301
        assert response.headers["Location"].endswith("/stories/")

    def test_a_new_page_in_the_menu_appears_on_every_page(self, edge):
        story = _story()
        for path in ("/", story.url):
            edge.cached(path)
        home = Page.objects.get(depth=2, locale__language_code="en").specific
        page = home.add_child(
            instance=StandardPage(title="Volunteer with us", slug="volunteer", show_in_menus=True)
        )
        page.save_revision().publish()
        for path in ("/", story.url):
            assert shows(edge.get(path), "Volunteer with us"), path


class TestEveryLanguage:
    def test_publishing_a_story_purges_the_url_of_its_live_translation(self, edge, settings):
        """Each language's URL comes from its own live translation (the seed's Filipino story
        under /fil/), not from a rewritten path."""
        story = _story()
        translation = story.get_translation(Locale.objects.get(language_code="fil"))
        site_id, root_url, path = translation.get_url_parts()
        assert path.startswith("/fil/")
        host = urlsplit(root_url).hostname
        edge.cached(path, host=host)

        story.summary = "A change in English."
        publish_confirmed_story(story)

        assert edge.get(path, host=host).headers["X-Cache"] == "MISS"


class TestAPurgeThatFails:
    def test_publishing_works_when_varnish_is_down_and_says_so_in_the_log(
        self, edge, settings, caplog
    ):
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            address = f"http://127.0.0.1:{closed.getsockname()[1]}"
        settings.WAGTAILFRONTENDCACHE = {
            "varnish": {"BACKEND": "ijm_site.frontend_cache.VarnishBackend", "LOCATION": address}
        }
        story = _story()
        story.summary = "Published while the cache was down."
        with caplog.at_level(logging.ERROR, logger="ijm.frontend_cache"):
            publish_confirmed_story(story)
        story.refresh_from_db()
        assert story.summary == "Published while the cache was down."
        assert f"HTTP cache at {address} could not purge" in caplog.text

    def test_a_cache_that_never_answers_costs_the_publish_one_timeout(self, edge, settings, caplog):
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(16)  # accepts connections and never answers
            address = f"http://127.0.0.1:{silent.getsockname()[1]}"
            settings.WAGTAILFRONTENDCACHE = {
                "varnish": {
                    "BACKEND": "ijm_site.frontend_cache.VarnishBackend",
                    "LOCATION": address,
                    "TIMEOUT": 0.2,
                }
            }
            story = _story()
            story.summary = "Published while the cache hung."
            with caplog.at_level(logging.ERROR, logger="ijm.frontend_cache"):
                publish_confirmed_story(story)
        story.refresh_from_db()
        assert story.summary == "Published while the cache hung."
        assert caplog.text.count("could not purge") == 1  # the other URLs were not tried
        assert "purges skipped" in caplog.text
