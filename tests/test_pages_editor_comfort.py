"""Issue 10, the editor's comfort: the preview panel, organisation details for Moderators, a
short home page form, add-buttons that say what they add, clear safeguarding messages, who
confirmed a story, and dashboard shortcuts."""

import pytest
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from pages.models import HomePage, StoryIndexPage, StoryPage
from tests.admin_users import signed_in
from tests.conftest import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(seeded_site):
    return signed_in("morgan", "Moderators")


@pytest.fixture
def editor(seeded_site):
    return signed_in("eddie", "Editors")


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()
    }


def _story_form(title, slug, summary, paragraph, **extra):
    """The story editor's form data, as the admin posts it."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": summary,
            "pseudonym_note": "*A pseudonym",
            "body": streamfield([("paragraph", rich_text(f"<p>{paragraph}</p>"))]),
            **extra,
        }
    )


def test_the_preview_panel_may_frame_a_page_only_from_the_admin(moderator):
    story = StoryPage.objects.get(locale__language_code="en")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[story.pk])
    data = _story_form(story.title, story.slug, "Preview summary", "A preview paragraph.")
    assert moderator.post(url, data).json()["is_valid"]
    response = moderator.get(url, {"in_preview_panel": "true"})
    assert "A preview paragraph." in visible_text(response.content.decode())
    assert _csp(response)["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The public page itself is still never framed, by anyone.
    public = moderator.get("/stories/aarons-story/")
    assert _csp(public)["frame-ancestors"] == "'none'"
    assert public["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("model", [HomePage, StoryIndexPage, StoryPage])
def test_every_page_types_draft_preview_is_framable_by_the_admin(moderator, model):
    page = model.objects.first()
    response = moderator.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    assert _csp(response)["frame-ancestors"] == "'self'"


def _settings_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["pages", "organisationsettings", site.pk])


def test_a_moderator_edits_the_organisations_phone_number(moderator, client):
    response = moderator.get(_settings_url())
    assert response.status_code == 200
    form = response.context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["privacy_page"] = form.initial["privacy_page"] or ""
    data["social_image"] = ""
    data["phone"] = "632 8 000 1111"
    response = moderator.post(_settings_url(), data)
    assert response.status_code == 302, response.context["form"].errors
    assert "632 8 000 1111" in visible_text(client.get("/").content.decode())


def test_editors_cannot_change_organisation_details(editor):
    assert editor.get(_settings_url()).status_code in (302, 403)


def test_the_home_page_form_opens_folded_with_add_buttons_that_say_what_they_add(moderator):
    home = HomePage.objects.get(locale__language_code="en")
    html = moderator.get(reverse("wagtailadmin_pages:edit", args=[home.pk])).content.decode()
    assert "admin_list_labels.js" in html
    for label in ("Add milestone", "Add pillar", "Add fact"):
        assert f"&quot;data-add-label&quot;: &quot;{label}&quot;" in html or label in html, label
    assert html.count("&quot;collapsed&quot;: true") >= 4  # sections and the three lists


def test_the_home_page_sections_and_lists_are_declared_folded():
    from pages import blocks

    assert blocks.HomeSectionsBlock().meta.collapsed
    for block, name in (
        (blocks.MilestonesBlock(), "milestones"),
        (blocks.PillarsBlock(), "pillars"),
        (blocks.FactsBlock(), "facts"),
    ):
        assert block.child_blocks[name].meta.collapsed
        assert block.child_blocks[name].meta.form_attrs["data-add-label"]


SUBMIT = {"action-submit": "action-submit"}


def _post_story(browser, story, action, **extra):
    data = _story_form(story.title, story.slug, story.summary, "Changed.", **action, **extra)
    return browser.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), data)


def test_safeguarding_messages_read_as_plain_english(editor):
    story = StoryPage.objects.get(locale__language_code="en")
    response = _post_story(editor, story, SUBMIT)
    text = visible_text(response.content.decode())
    assert "Tick this to submit the story for approval: confirm that the survivor" in text
    assert "submit for approval the story" not in text
    assert (
        "Nothing was submitted for approval; the last saved draft is unchanged and your changes "
        "are still in the form below." in text
    )


def test_a_new_story_refused_says_nothing_was_saved_yet(editor):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    data = _story_form("Maria's Story", "marias-story", "Maria is safe.", "Maria draws.", **SUBMIT)
    url = reverse("wagtailadmin_pages:add", args=["pages", "storypage", index.pk])
    text = visible_text(editor.post(url, data).content.decode())
    assert "Nothing was saved yet: the new story is still in the form below." in text
    assert not StoryPage.objects.filter(slug="marias-story").exists()


def test_the_story_editor_shows_who_confirmed_and_when(moderator):
    story = StoryPage.objects.get(locale__language_code="en")
    edit = reverse("wagtailadmin_pages:edit", args=[story.pk])
    text = visible_text(moderator.get(edit).content.decode())
    assert "Published version: confirmed by the site's seed content on" in text

    _post_story(
        moderator,
        story,
        {"action-publish": "action-publish"},
        confirm_consent_on_file="on",
        confirm_no_identifying_detail="on",
    )
    text = visible_text(moderator.get(edit).content.decode())
    assert "Published version: confirmed by morgan on" in text

    _post_story(moderator, story, {})  # a new draft, not confirmed
    text = visible_text(moderator.get(edit).content.decode())
    assert "Latest version: not confirmed yet" in text


def test_the_dashboard_offers_editors_their_shortcuts(editor, moderator):
    home = HomePage.objects.get(locale__language_code="en")
    index = StoryIndexPage.objects.get(locale__language_code="en")
    html = editor.get(reverse("wagtailadmin_home")).content.decode()
    add_story = reverse("wagtailadmin_pages:add", args=["pages", "storypage", index.pk])
    assert f'href="{add_story}">Add a story</a>' in html
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[home.pk])}">Edit the home page' in html
    assert "Edit organisation details" not in html
    html = moderator.get(reverse("wagtailadmin_home")).content.decode()
    settings_url = reverse("wagtailsettings:edit", args=["pages", "organisationsettings"])
    assert f'href="{settings_url}">Edit organisation details</a>' in html
