"""In a real browser: the live preview side panel shows the page an editor is editing, and a
Moderator changes the organisation's phone number in Settings → Organisation details."""

import os

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from pages.models import HomePage
from pages.seed.loader import load_seed_content
from tests.e2e.test_story_editor_browser import browser_page as admin_page  # noqa: F401

# serialized_rollback: see test_story_editor_browser.py.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, base_url, group):
    username, password = group.lower(), f"pw-{group.lower()}-123456"
    user = User.objects.create_user(username, password=password)
    user.groups.add(Group.objects.get(name=group))
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name='username']", username)
    page.fill("input[name='password']", password)
    page.click("button[type='submit']")
    page.wait_for_url(f"{base_url}/admin/")


def test_the_preview_side_panel_shows_the_home_page(live_server, admin_page):  # noqa: F811
    load_seed_content()
    page = admin_page
    _sign_in(page, live_server.url, "Editors")
    page.get_by_role("link", name="Edit the home page").click()
    page.wait_for_url(f"**/admin/pages/{HomePage.objects.get(locale__language_code='en').pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()
    frame = page.frame_locator("iframe[data-w-preview-target='iframe']").first
    heading = frame.locator("h1")
    heading.wait_for()
    assert heading.inner_text() == HomePage.objects.get(locale__language_code="en").hero_heading
    assert frame.get_by_role("link", name="Privacy").is_visible()
    page.screenshot(path=str(os.environ.get("E2E_SCREENSHOTS", "/tmp")) + "/preview-panel.png")


def test_a_moderator_edits_the_organisations_phone_number(live_server, admin_page):  # noqa: F811
    load_seed_content()
    page = admin_page
    _sign_in(page, live_server.url, "Moderators")
    page.get_by_role("link", name="Edit organisation details").click()
    page.get_by_label("Phone").fill("632 8 000 1111")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(os.environ.get("E2E_SCREENSHOTS", "/tmp")) + "/org-details-saved.png")
    assert page.get_by_text("updated").first.is_visible()
    assert "632 8 000 1111" in Client().get("/").content.decode()
