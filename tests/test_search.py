"""Visitors can search the site's published pages, and every state of the page is kind."""

import re

import pytest

from pages.models import StoryIndexPage, StoryPage
from tests.conftest import publish_confirmed_story, visible_text

pytestmark = pytest.mark.django_db


def _main(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_searching_for_aaron_finds_his_story_with_a_snippet(client, seeded_site):
    main = _main(client, "/search/?query=Aaron")
    assert re.search(r'<a href="/stories/aarons-story/">Aaron&#x27;s Story</a>', main)
    text = visible_text(main)
    assert "Aaron* is a five-year-old boy who loves cars and superheroes" in text
    assert re.search(r"\d+ results? for “Aaron”", text)


def test_the_search_form_is_labelled_and_announces_its_results(client, seeded_site):
    main = _main(client, "/search/?query=aftercare")
    assert 'role="search"' in main
    assert '<label for="search-query">' in main and 'id="search-query"' in main
    assert 'name="query" value="aftercare"' in main
    assert re.search(r'<h2 id="search-status" aria-live="polite">\d+ results? for', main)
    assert 'aria-labelledby="search-status"' in main


def test_drafts_and_private_pages_are_not_found(client, seeded_site):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    index.add_child(instance=StoryPage(title="Zephyrine draft", summary="Zephyrine", body=[]))
    main = _main(client, "/search/?query=Zephyrine")
    assert "Zephyrine draft" not in main
    assert "No results for “Zephyrine”" in visible_text(main)


def test_no_results_suggests_what_to_do_next(client, seeded_site):
    text = visible_text(_main(client, "/search/?query=qwertyuiop"))
    assert "No results for “qwertyuiop”" in text
    assert "check the spelling" in text and "stories" in text and "home page" in text


def test_an_empty_search_invites_a_query_with_examples(client, seeded_site):
    main = _main(client, "/search/")
    text = visible_text(main)
    assert "Search our stories and pages" in text and "for example Aaron" in text
    assert "result" not in text.lower().split("search our stories and pages")[0]
    assert visible_text(_main(client, "/search/?query=%20%20")) == text


def test_results_are_paginated(client, seeded_site):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    for n in range(12):
        publish_confirmed_story(
            index.add_child(
                instance=StoryPage(
                    title=f"Kalinaw story {n}", slug=f"kalinaw-{n}", summary="Kalinaw", body=[]
                )
            )
        )
    first = visible_text(_main(client, "/search/?query=Kalinaw"))
    assert "12 results for “Kalinaw”" in first and "Page 1 of 2" in first
    assert first.count("Kalinaw story") == 10
    second = _main(client, "/search/?query=Kalinaw&page=2")
    assert visible_text(second).count("Kalinaw story") == 2
    assert 'rel="prev"' in second
    assert "Page 1 of 2" in visible_text(_main(client, "/search/?query=Kalinaw&page=banana"))


def test_every_page_links_to_search_in_the_header(client, seeded_site):
    for url in ("/", "/stories/aarons-story/", "/about/"):
        header = re.search(r"<header.*?</header>", client.get(url).content.decode(), re.S)
        assert '<a href="/search/">Search</a>' in header.group(0), url


def test_strange_input_never_breaks_search(client, seeded_site):
    for query in ("<script>alert(1)</script>", "%", "a" * 500, "' OR 1=1 --", "\u202e"):
        response = client.get("/search/", {"query": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ['children"s', '"', "a\x00b", "a\x01b", "NEAR", "AND AND", "OR NOT NEAR", "(", "*", "^aid:"],
)
def test_any_typed_search_gets_a_page_never_an_error(client, seeded_site, query):
    client.raise_request_exception = False
    response = client.get("/search/", {"query": query})
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_a_stray_quote_still_finds_what_the_visitor_meant(client, seeded_site):
    main = _main(client, '/search/?query=Aaron"s')
    assert 'href="/stories/aarons-story/"' in main
    assert 'value="Aaron&quot;s"' in main  # what they typed stays in the box


def test_a_nul_in_the_query_is_dropped_and_the_words_are_searched(client, seeded_site):
    main = _main(client, "/search/?query=Aar%00on&page=%00")
    assert 'value="Aar on"' in main
    assert "Aar on" in visible_text(main)


def test_punctuation_alone_gets_a_clear_message(client, seeded_site):
    text = visible_text(_main(client, '/search/?query="*()'))
    assert "Please search with letters or numbers" in text
