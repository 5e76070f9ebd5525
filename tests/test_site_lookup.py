"""Each process remembers which Site answers a host, and forgets it when anything changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db


def _site_queries(client, path: str = "/", **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **headers)
    site_queries = [q for q in ctx.captured_queries if 'FROM "wagtailcore_site"' in q["sql"]]
    return len(site_queries), response


def test_the_site_is_looked_up_once_then_remembered(client, seeded_site):
    first, response = _site_queries(client, "/search/?query=aaron")  # never from the page cache
    assert response.status_code == 200
    again, response = _site_queries(client, "/search/?query=justice")
    assert response.status_code == 200
    assert first >= 1
    assert again == 0


def test_a_new_site_is_seen_at_once_and_a_deleted_one_forgotten(client, seeded_site, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "about.example.org"]
    about = Page.objects.get(slug="about", locale__language_code="en")
    client.get("/search/?query=aaron", HTTP_HOST="about.example.org")  # remembered: the default

    other = Site.objects.create(hostname="about.example.org", port=80, root_page=about)
    count, response = _site_queries(client, "/", HTTP_HOST="about.example.org")
    assert count >= 1  # looked up again after the change
    assert response.status_code == 200
    assert response.context["page"].id == about.id

    other.delete()
    response = client.get("/", HTTP_HOST="about.example.org")
    assert response.status_code == 200
    assert response.context["page"].id == seeded_site.id


def _site_through_the_middleware(rf):
    """The Site a view gets when it asks Wagtail, with SiteLookupMiddleware in front."""
    from ijm_site.site_lookup import SiteLookupMiddleware

    return SiteLookupMiddleware(Site.find_for_request)(rf.get("/"))


def test_each_request_gets_its_own_site_and_root_page(rf, seeded_site):
    first = _site_through_the_middleware(rf)  # looked up by Wagtail, then remembered
    second = _site_through_the_middleware(rf)
    assert first == second  # the same row
    assert first is not second
    assert first.root_page is not second.root_page
    second.root_page.title = "Changed by one request only"
    third = _site_through_the_middleware(rf)
    assert third.root_page is not second.root_page
    assert third.root_page.title == seeded_site.title


def test_a_host_with_no_site_is_remembered_as_none_without_a_default(rf, seeded_site):
    Site.objects.all().delete()
    assert _site_through_the_middleware(rf) is None
    with CaptureQueriesContext(connection) as ctx:
        assert _site_through_the_middleware(rf) is None
    assert not [q for q in ctx.captured_queries if 'FROM "wagtailcore_site"' in q["sql"]]
