"""The language switcher: every page leads to itself in the other language, or to its home."""

import re
from html.parser import HTMLParser

import pytest

from donations.models import DonatePage
from pages.models import StandardPage
from tests.language_tree import build_filipino_tree

pytestmark = pytest.mark.django_db


class SwitcherLinks(HTMLParser):
    """The links inside <nav class="language-switcher">, with their attributes."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "language-switcher" in (attrs.get("class") or ""):
            self.inside = True
        elif tag == "a" and self.inside:
            self.links.append(attrs | {"text": ""})

    def handle_data(self, data):
        if self.inside and self.links and not self.links[-1]["text"]:
            self.links[-1]["text"] = data.strip()

    def handle_endtag(self, tag):
        if tag == "nav":
            self.inside = False


def switcher(response) -> dict[str, dict]:
    assert response.status_code in (200, 404), response.status_code
    parser = SwitcherLinks()
    parser.feed(response.content.decode())
    return {link["hreflang"]: link for link in parser.links}


@pytest.fixture
def two_languages(seeded_site):
    return build_filipino_tree(seeded_site)


def test_each_language_is_named_in_itself_and_the_current_one_is_marked(client, two_languages):
    links = switcher(client.get("/"))
    assert links["en"]["text"] == "English" and links["fil"]["text"] == "Filipino"
    assert links["en"]["lang"] == "en" and links["fil"]["lang"] == "fil"
    assert links["en"].get("aria-current") == "true" and "aria-current" not in links["fil"]
    filipino = switcher(client.get("/fil/"))
    assert filipino["fil"].get("aria-current") == "true" and "aria-current" not in filipino["en"]


def test_every_page_leads_to_its_own_translation_and_back(client, two_languages):
    for english, filipino in two_languages.items():
        assert switcher(client.get(english.url))["fil"]["href"] == filipino.url
        assert switcher(client.get(filipino.url))["en"]["href"] == english.url


def test_a_page_without_a_live_translation_leads_to_the_other_languages_home(client, two_languages):
    home = next(iter(two_languages))
    only_english = StandardPage(title="Only in English", slug="only-in-english")
    home.add_child(instance=only_english)
    only_english.save_revision().publish()
    assert switcher(client.get("/only-in-english/"))["fil"]["href"] == "/fil/"

    draft = only_english.copy_for_translation(two_languages[home].locale)
    assert not draft.live
    assert switcher(client.get("/only-in-english/"))["fil"]["href"] == "/fil/"


def test_search_and_the_monthly_gift_pages_switch_to_the_same_address(client, two_languages):
    links = switcher(client.get("/search/", {"query": "bata", "utm_source": "mail"}))
    assert links["fil"]["href"] == "/fil/search/?query=bata"
    assert switcher(client.get("/fil/search/", {"query": "bata"}))["en"]["href"] == (
        "/search/?query=bata"
    )
    assert switcher(client.get("/monthly-gift/"))["fil"]["href"] == "/fil/monthly-gift/"
    assert switcher(client.get("/fil/monthly-gift/"))["en"]["href"] == "/monthly-gift/"


def test_a_missing_page_switches_to_the_same_address_in_the_other_language(client, two_languages):
    assert switcher(client.get("/no-such-page/"))["fil"]["href"] == "/fil/no-such-page/"
    assert switcher(client.get("/fil/no-such-page/"))["en"]["href"] == "/no-such-page/"


def test_the_donate_page_switcher_keeps_the_choices_in_its_address(client, two_languages):
    donate = DonatePage.objects.get(locale__language_code="en")
    filipino = donate.get_translation(two_languages[next(iter(two_languages))].locale)
    choices = {"currency": "USD", "frequency": "monthly", "amount_choice": "5000"}
    response = client.get(donate.url, {**choices, "utm_campaign": "giving-day"})
    link = switcher(response)["fil"]
    assert link["href"] == f"{filipino.url}?amount_choice=5000&currency=USD&frequency=monthly"
    assert set(link["data-carries-choices"].split()) >= set(choices)
    assert "js/language_switch.js" in response.content.decode()
    back = switcher(client.get(filipino.url, choices))["en"]["href"]
    assert back == f"{donate.url}?amount_choice=5000&currency=USD&frequency=monthly"


def test_the_thank_you_page_switches_to_the_filipino_thank_you_page(client, two_languages):
    donate = DonatePage.objects.get(locale__language_code="en")
    filipino = donate.get_translation(two_languages[next(iter(two_languages))].locale)
    links = switcher(client.get(donate.url + "thank-you/"))
    assert links["fil"]["href"].startswith(filipino.url + "thank-you/")


def test_pages_without_the_donate_form_load_no_switcher_script(client, two_languages):
    assert "language_switch.js" not in client.get("/").content.decode()
    assert not re.search(r"data-carries-choices", client.get("/fil/").content.decode())


def test_the_header_donate_link_leads_to_the_donate_page_of_the_pages_language(
    client, two_languages
):
    english = client.get("/").content.decode()
    filipino = client.get("/fil/").content.decode()
    assert re.search(r'<a class="button" href="/donate/">', english)
    assert re.search(r'<a class="button" href="/fil/donate/">', filipino)
