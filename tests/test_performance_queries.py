"""The home page's database work stays flat as the site grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ijm_site import page_cache
from pages.models import StoryIndexPage, StoryPage
from tests.conftest import publish_confirmed_story

pytestmark = pytest.mark.django_db


def _home_queries(client) -> int:
    """Queries of one full render of the home page (the page cache is emptied first)."""
    client.get("/")  # warm up: the first request of a process costs an extra query
    page_cache.start_new_generation()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    assert response["X-Cache"] == "MISS"  # rendered, not served from the page cache
    return len(ctx.captured_queries)


def test_the_home_page_query_count_does_not_grow_with_stories_and_milestones(client, seeded_site):
    before = _home_queries(client)

    index = StoryIndexPage.objects.get(locale__language_code="en")
    for n in range(10):
        publish_confirmed_story(
            index.add_child(
                instance=StoryPage(title=f"Story {n}", summary="s", body=[], show_in_menus=True)
            )
        )
    body = seeded_site.body.raw_data
    for section in body:
        if section["type"] == "milestones":
            section["value"]["milestones"] += [
                {"type": "item", "value": {"year": 2023 + n, "text": f"<p>Year {n}</p>"}}
                for n in range(10)
            ]
    seeded_site.body = body
    seeded_site.save_revision().publish()

    after = _home_queries(client)
    print(f"\nhome page queries: {before} before, {after} after adding 10 stories and milestones")
    assert after == before
    assert before <= 12
