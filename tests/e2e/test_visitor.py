"""A visitor on a phone: reads the home page, then Aaron's story; every page passes axe."""

import pytest

from tests.e2e.conftest import axe_violations


def test_a_visitor_reads_the_home_page_then_a_story(served_site, phone):
    phone.goto(served_site.url + "/")
    assert phone.locator("h1").first.is_visible()
    assert phone.get_by_role("link", name="Donate").first.is_visible()

    phone.get_by_role("link", name="Read Aaron's story").click()
    phone.wait_for_url("**/stories/aarons-story/")
    assert "Aaron" in phone.locator("h1").inner_text()
    assert phone.get_by_text("pseudonym").first.is_visible()


def test_the_skip_link_takes_a_keyboard_user_to_the_content(served_site, phone):
    phone.goto(served_site.url + "/")
    phone.keyboard.press("Tab")
    skip = phone.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/stories/",
        "/stories/aarons-story/",
        "/search/",
        "/search/?q=children",
        "/search/?q=zzzznothing",
        "/no-such-page/",
    ],
)
def test_axe_finds_no_accessibility_violations(served_site, axe_page, path):
    axe_page.goto(served_site.url + path)
    assert axe_violations(axe_page) == []
