"""The full-page cache: anonymous visitors get stored pages, and changes show at once."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction, Site

from ijm_site import page_cache
from pages.models import StoryPage
from pages.settings import OrganisationSettings
from tests.conftest import publish_confirmed_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_generation_file(settings, tmp_path):
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"


def _get(client, url="/", **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response


def test_a_second_anonymous_visit_is_served_from_the_cache_with_the_same_page(client, seeded_site):
    first = _get(client)
    second = _get(client)
    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_cache_hit_runs_no_database_query(client, seeded_site, django_assert_num_queries):
    _get(client)
    with django_assert_num_queries(0):
        assert _get(client)["X-Cache"] == "HIT"


def test_each_address_and_query_string_is_its_own_entry(client, seeded_site):
    _get(client, "/")
    assert _get(client, "/stories/")["X-Cache"] == "MISS"
    assert _get(client, "/stories/?page=2")["X-Cache"] == "MISS"
    assert _get(client, "/stories/?page=2")["X-Cache"] == "HIT"


def test_a_cached_page_still_carries_the_security_headers(client, seeded_site):
    _get(client)
    hit = _get(client)
    assert hit["X-Cache"] == "HIT"
    assert "frame-ancestors 'none'" in hit["Content-Security-Policy"]
    assert "camera=()" in hit["Permissions-Policy"]
    assert hit["X-Content-Type-Options"] == "nosniff"


def test_publishing_a_page_shows_the_change_at_once(client, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en")
    assert "A brand new summary" not in _get(client).content.decode()
    assert _get(client)["X-Cache"] == "HIT"

    story.summary = "A brand new summary for the home page."
    publish_confirmed_story(story)

    response = _get(client)
    assert response["X-Cache"] == "MISS"
    assert "A brand new summary for the home page." in response.content.decode()


def test_unpublishing_a_page_removes_it_at_once(client, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en")
    _get(client, story.url)
    assert _get(client, story.url)["X-Cache"] == "HIT"
    story.unpublish()
    assert client.get(story.url).status_code == 404
    assert story.title not in _get(client).content.decode()


def test_deleting_and_moving_pages_clear_the_cache(client, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en")
    _get(client)
    story.delete()
    response = _get(client)
    assert response["X-Cache"] == "MISS"
    assert "Read Aaron" not in response.content.decode()


def test_a_private_page_is_never_served_from_an_earlier_public_copy(client, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en")
    _get(client, story.url)
    PageViewRestriction.objects.create(page=story, restriction_type="login")
    assert client.get(story.url).status_code == 302  # to the login page


def test_changing_a_site_setting_shows_at_once(client, seeded_site):
    _get(client)
    settings_for_site = OrganisationSettings.for_site(Site.objects.get())
    settings_for_site.phone = "632 8 123 4567"
    settings_for_site.save()
    response = _get(client)
    assert response["X-Cache"] == "MISS"
    assert "632 8 123 4567" in response.content.decode()


def test_adding_a_redirect_clears_the_cache(client, seeded_site):
    _get(client)
    Redirect.add_redirect("/old-story/", redirect_to="/stories/")
    assert _get(client)["X-Cache"] == "MISS"


def test_logged_in_staff_always_get_a_fresh_page(client, seeded_site):
    _get(client)
    assert _get(client)["X-Cache"] == "HIT"
    editor = User.objects.create_superuser("editor", "editor@example.org", "a-long-password-1")
    client.force_login(editor)
    response = _get(client)
    assert response["X-Cache"] == "BYPASS"
    assert b"wagtail-userbar" in response.content  # the editor's own, uncached page
    client.logout()
    assert b"wagtail-userbar" not in _get(client).content


def test_the_admin_is_never_cached(client, db):
    client.get("/admin/login/")
    assert client.get("/admin/login/")["X-Cache"] == "BYPASS"


def test_the_clear_page_cache_command_reaches_other_server_processes(client, seeded_site, settings):
    """Each gunicorn worker has its own local-memory cache; the generation file is shared."""
    _get(client)
    assert _get(client)["X-Cache"] == "HIT"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ijm_site.settings_test",
        "PAGE_CACHE_TEST_GENERATION_FILE": str(settings.PAGE_CACHE_GENERATION_FILE),
    }
    code = (
        "import os, django; django.setup(); from django.conf import settings; "
        "settings.PAGE_CACHE_GENERATION_FILE = os.environ['PAGE_CACHE_TEST_GENERATION_FILE']; "
        "from django.core.management import call_command; call_command('clear_page_cache')"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert _get(client)["X-Cache"] == "MISS"


def test_a_shared_cache_keeps_the_generation_in_the_cache_itself(client, seeded_site, tmp_path):
    shared = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared-cache"),
        },
    }
    (tmp_path / "page-cache-generation").unlink(missing_ok=True)  # written while seeding
    with override_settings(CACHES=shared):
        caches[settings.PAGE_CACHE_ALIAS].clear()
        _get(client)
        assert _get(client)["X-Cache"] == "HIT"
        generation = page_cache.current_generation()
        page_cache.start_new_generation()
        assert page_cache.current_generation() != generation
        assert _get(client)["X-Cache"] == "MISS"
        # Evicted: old pages stay unreachable.
        caches[settings.PAGE_CACHE_ALIAS].delete(page_cache.GENERATION_KEY)
        assert _get(client)["X-Cache"] == "MISS"
        assert not (tmp_path / "page-cache-generation").exists()


# Views standing in for the kinds of page the cache must leave alone.


def _form_view(request):
    from django.middleware.csrf import get_token

    token = get_token(request)
    return HttpResponse(f"<form method=post><input name=csrfmiddlewaretoken value={token}>")


def _cookie_view(request):
    response = HttpResponse("chosen")
    response.set_cookie("currency", "PHP")
    return response


def _never_cache_view(request):
    from django.utils.cache import add_never_cache_headers

    response = HttpResponse("thank you")
    add_never_cache_headers(response)
    return response


def _varies_on_language_view(request):
    response = HttpResponse("hello")
    response["Vary"] = "Accept-Language"
    return response


def _echo_view(request):
    return HttpResponse(f"{request.method} {request.POST.get('amount', '')}")


def _reads_every_param_view(request):
    return HttpResponse(repr(sorted(request.GET.items())))


urlpatterns = [
    path("params/", _reads_every_param_view),
    path("form/", _form_view),
    path("cookie/", _cookie_view),
    path("never/", _never_cache_view),
    path("language/", _varies_on_language_view),
    path("echo/", _echo_view),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/form/", "/cookie/", "/never/", "/language/"])
def test_forms_cookies_and_private_answers_are_never_stored(client, url):
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first["X-Cache"] == second["X-Cache"] == "BYPASS"


@pytest.mark.urls(__name__)
def test_the_csrf_token_in_a_form_is_each_visitors_own(client):
    first = client.get("/form/").content
    other_visitor = client.__class__()
    assert other_visitor.get("/form/").content != first


@pytest.mark.urls(__name__)
def test_a_post_is_never_answered_from_the_cache(client):
    client.get("/echo/")
    assert client.get("/echo/")["X-Cache"] == "HIT"
    response = client.post("/echo/", {"amount": "50000"})
    assert response["X-Cache"] == "BYPASS"
    assert response.content == b"POST 50000"


FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_the_donate_form_is_cached_but_each_visitor_gets_their_own_tokens(
    client, fake_stripe, donate_page
):
    first = client.get("/donate/")
    visitors = [Client() for _ in range(2)]
    hits = [visitor.get("/donate/") for visitor in visitors]
    assert first["X-Cache"] == "MISS"
    assert [hit["X-Cache"] for hit in hits] == ["HIT", "HIT"]
    pages = [response.content.decode() for response in (first, *hits)]
    assert len({FORM_TOKEN.search(html).group(1) for html in pages}) == 3
    assert len({CSRF_TOKEN.search(html).group(1) for html in pages}) == 3
    for visitor, hit in zip(visitors, hits, strict=True):
        assert hit.cookies[settings.CSRF_COOKIE_NAME].value  # each gets a CSRF cookie
        assert visitor.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_visitor_served_the_cached_donate_form_can_give(fake_stripe, donate_page):
    from donations.models import Donation

    Client().get("/donate/")  # stores the page
    donor = Client(enforce_csrf_checks=True)
    page = donor.get("/donate/")
    assert page["X-Cache"] == "HIT"
    html = page.content.decode()
    response = donor.post(
        "/donate/",
        {
            "csrfmiddlewaretoken": CSRF_TOKEN.search(html).group(1),
            "form_token": FORM_TOKEN.search(html).group(1),
            "currency": "PHP",
            "frequency": "once",
            "amount_choice": "100000",
            "name": "Maria Santos",
            "email": "maria@example.com",
        },
    )
    assert response.status_code == 303, response.content.decode()[:500]
    donation = Donation.objects.get()
    assert str(donation.form_token) == FORM_TOKEN.search(html).group(1)


def test_a_cached_donate_form_cannot_be_posted_with_another_visitors_token(
    fake_stripe, donate_page
):
    first = Client()
    html = first.get("/donate/").content.decode()
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/donate/")
    response = stranger.post(
        "/donate/",
        {
            "csrfmiddlewaretoken": "x" * 64,
            "form_token": FORM_TOKEN.search(html).group(1),
            "currency": "PHP",
            "frequency": "once",
            "amount_choice": "100000",
            "name": "Eve",
            "email": "eve@example.com",
        },
    )
    assert response.status_code == 403


def test_the_thank_you_page_always_shows_the_gift_as_it_is_now(client, fake_stripe, donate_page):
    from donations.models import Donation
    from tests.test_donations_checkout import DONATE_URL, _gift

    client.post(DONATE_URL, _gift(client))
    session_id = Donation.objects.get().stripe_checkout_session_id
    url = f"/donate/thank-you/?session_id={session_id}"
    processing = client.get(url)
    assert "is being processed" in processing.content.decode()
    assert processing["X-Cache"] == "BYPASS"
    assert "no-store" in processing["Cache-Control"]

    fake_stripe.sessions[session_id].update(status="complete", payment_status="paid")
    assert "is on its way" in client.get(url).content.decode()


# Keys and bounds: a flood of query strings can neither fill memory nor evict rate limits. -------


def _stored_pages() -> int:
    """Pages stored in the page cache, on local memory or on Redis (REDIS_URL)."""
    cache = caches[settings.PAGE_CACHE_ALIAS]
    if isinstance(cache._cache, dict):
        keys = list(cache._cache)
    else:
        keys = [key.decode() for key in cache._cache.get_client().scan_iter(match="*page-cache:*")]
    return sum(1 for key in keys if re.search(r"page-cache:[^:]+:[0-9a-f]{64}$", key))


def test_marketing_tags_never_make_a_new_entry(client, seeded_site):
    _get(client, "/stories/")
    tagged = "/stories/?utm_source=news&utm_campaign=osec&fbclid=abc&gclid=xyz&msclkid=1"
    assert _get(client, tagged)["X-Cache"] == "HIT"
    assert _stored_pages() == 1


def test_a_page_shares_one_entry_for_query_parameters_it_does_not_read(client, seeded_site):
    _get(client, "/")
    for n in range(5):
        assert _get(client, f"/?x={n}")["X-Cache"] == "HIT"
    assert _stored_pages() == 1


def test_the_parameters_a_page_declares_still_make_their_own_entries(client, seeded_site):
    _get(client, "/stories/")
    assert _get(client, "/stories/?page=2")["X-Cache"] == "MISS"
    assert _get(client, "/stories/?page=2&x=1&utm_medium=email")["X-Cache"] == "HIT"


def test_the_donate_form_keeps_the_choices_carried_in_its_address(fake_stripe, donate_page):
    usd = Client().get("/donate/?currency=USD&frequency=monthly")
    assert usd["X-Cache"] == "MISS"
    again = Client().get("/donate/?frequency=monthly&currency=USD&utm_source=mail")
    assert again["X-Cache"] == "HIT"
    php = Client().get("/donate/?currency=PHP")
    assert php["X-Cache"] == "MISS"
    assert re.search(r'name="currency" value="USD" checked', again.content.decode())
    assert re.search(r'name="currency" value="PHP" checked', php.content.decode())


@pytest.mark.urls(__name__)
def test_a_view_that_declares_nothing_is_keyed_on_all_its_parameters(client):
    assert client.get("/params/?a=1")["X-Cache"] == "MISS"
    assert client.get("/params/?a=2").content == b"[('a', '2')]"
    assert client.get("/params/?a=2&utm_source=x")["X-Cache"] == "HIT"


@pytest.mark.urls(__name__)
def test_one_path_keeps_at_most_its_variants(client, settings):
    settings.PAGE_CACHE_MAX_VARIANTS = 3
    outcomes = [client.get(f"/params/?a={n}")["X-Cache"] for n in range(6)]
    assert outcomes == ["MISS"] * 3 + ["BYPASS"] * 3
    assert client.get("/params/?a=5").content == b"[('a', '5')]"  # still answered, just fresh
    assert client.get("/params/")["X-Cache"] == "MISS"  # the plain page is never crowded out
    assert _stored_pages() == 4


@pytest.mark.urls(__name__)
def test_the_whole_cache_stops_growing_at_its_cap(client, settings):
    settings.PAGE_CACHE_MAX_ENTRIES = 5
    settings.PAGE_CACHE_MAX_VARIANTS = 100
    for n in range(20):
        client.get(f"/params/?a={n}")
    assert _stored_pages() == 5


def test_a_new_generation_gives_the_cap_back(client, seeded_site, settings):
    settings.PAGE_CACHE_MAX_ENTRIES = 1
    _get(client, "/")
    assert _get(client, "/about/")["X-Cache"] == "BYPASS"
    page_cache.start_new_generation()
    assert _get(client, "/about/")["X-Cache"] == "MISS"


@pytest.mark.urls(__name__)
def test_the_bound_holds_on_a_shared_cache_without_eviction(client, settings, tmp_path):
    """Redis here has no memory limit; a file cache with no culling stands in for it."""
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 10**9},
        },
    }
    settings.PAGE_CACHE_MAX_ENTRIES = 10
    settings.PAGE_CACHE_MAX_VARIANTS = 4
    outcomes = [client.get(f"/params/?a={n}")["X-Cache"] for n in range(30)]
    assert outcomes.count("MISS") == 4
    # entries, plus the path's parameter note, the counters and the generation
    assert len(list((tmp_path / "pages").iterdir())) <= 4 + 4


def test_a_flood_of_cached_pages_never_evicts_the_rate_limit_counters(
    client, fake_stripe, donate_page, settings
):
    from tests.test_donations_checkout import DONATE_URL, _gift

    settings.PAGE_CACHE_MAX_ENTRIES = settings.PAGE_CACHE_MAX_VARIANTS = 10_000
    for n in range(5):
        assert client.post(DONATE_URL, _gift(client, email=f"d{n}@example.com")).status_code == 303
    for n in range(650):
        assert client.get(f"/robots.txt?utm_id=x&n={n}").status_code == 200
    assert _stored_pages() > 600  # the flood really was stored
    blocked = client.post(DONATE_URL, _gift(client, email="d9@example.com"))
    assert blocked.status_code == 429
