"""In a real browser, a moderator is stopped at the story editor until both safeguarding boxes
are ticked, sees why next to the boxes, and then publishes."""

import os

import pytest
from django.contrib.auth.models import Group, User

from pages.models import StoryIndexPage, StoryPage
from pages.seed.loader import load_seed_content
from tests.e2e.conftest import launched_chromium

# serialized_rollback: the flush after a transactional test would otherwise take the data
# migrations made (root page, groups, workflow) away from the tests that follow.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-moderator-123456"


@pytest.fixture
def browser_page():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launched_chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(20_000)
        yield page


def _publish(page):
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_load_state("networkidle")


def test_a_moderator_must_tick_both_boxes_before_a_story_goes_live(live_server, browser_page):
    load_seed_content()
    moderator = User.objects.create_user("moderator", password=PASSWORD)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    story = StoryIndexPage.objects.get(locale__language_code="en").add_child(
        instance=StoryPage(
            title="Maria's Story",
            slug="marias-story",
            summary="Maria is safe.",
            body=[("paragraph", "<p>Maria loves drawing.</p>")],
        )
    )
    story.save_revision()

    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name='username']", "moderator")
    page.fill("input[name='password']", PASSWORD)
    page.click("button[type='submit']")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/pages/{story.pk}/edit/")
    consent = page.get_by_label("Consent is on file")
    anonymity = page.get_by_label("No identifying detail")
    assert not consent.is_checked() and not anonymity.is_checked()

    _publish(page)
    assert "could not be saved" in page.content()
    assert page.get_by_text("Tick this to publish or schedule the story").first.is_visible()
    assert not StoryPage.objects.get(pk=story.pk).live
    page.screenshot(path=str(os.environ.get("E2E_SCREENSHOTS", "/tmp")) + "/story-refused.png")

    page.get_by_label("Consent is on file").check()
    page.get_by_label("No identifying detail").check()
    _publish(page)
    story = StoryPage.objects.get(pk=story.pk)
    assert story.live
    assert story.live_revision.story_confirmation.confirmed_by == moderator
