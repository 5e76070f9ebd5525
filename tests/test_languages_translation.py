"""Translating with wagtail.contrib.simple_translation keeps every story safeguard, per language.

A translated story is a draft; it goes live only when an editor confirms its own Filipino
revision (an English confirmation never carries over), and no alias path publishes a story
nobody confirmed.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from wagtail.models import Page

from pages.models import StandardPage, StoryIndexPage, StoryPage
from pages.safeguarding import StoryNotConfirmedError, confirm_revision, missing_confirmations
from tests.conftest import publish_confirmed_story
from tests.language_tree import filipino_locale, translate_and_publish
from tests.test_safeguarding_stories import ANONYMITY, CONSENT, PUBLISH, _browser, _post_edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_story(seeded_site):
    """A live English story with no Filipino version yet (the seed translates its own story)."""
    index = StoryIndexPage.objects.get(locale__language_code="en")
    story = index.add_child(
        instance=StoryPage(
            title="Joy's Story",
            slug="joys-story",
            summary="Joy is safe.",
            body=[("paragraph", "<p>Joy likes to sing.</p>")],
        )
    )
    return publish_confirmed_story(story)


@pytest.fixture
def filipino_index(seeded_site):
    locale = filipino_locale()
    translate_and_publish(seeded_site, locale)
    return translate_and_publish(StoryIndexPage.objects.get(locale__language_code="en"), locale)


def test_a_translated_story_starts_as_a_draft_nobody_can_read(
    client, english_story, filipino_index
):
    assert not missing_confirmations(english_story.live_revision)
    filipino = english_story.copy_for_translation(filipino_index.locale)
    filipino.refresh_from_db()
    assert not filipino.live
    assert client.get(f"/fil/{filipino_index.slug}/{filipino.slug}/").status_code == 404


def test_the_filipino_story_needs_its_own_confirmation_for_its_own_revision(
    client, english_story, filipino_index
):
    filipino = english_story.copy_for_translation(filipino_index.locale).specific
    filipino.title = "Ang Kuwento ni Joy"
    revision = filipino.save_revision()
    with pytest.raises(StoryNotConfirmedError):
        revision.publish()
    filipino.refresh_from_db()
    assert not filipino.live

    confirm_revision(english_story.save_revision())  # a fresh English confirmation...
    with pytest.raises(StoryNotConfirmedError):
        revision.publish()  # ...never covers the Filipino version

    confirm_revision(revision)
    revision.publish()
    filipino.refresh_from_db()
    assert filipino.live
    assert "Ang Kuwento ni Joy" in client.get(filipino.url).content.decode()


def test_the_admins_translate_action_gives_a_draft_and_publishing_it_needs_both_ticks(
    english_story, filipino_index
):
    # Editors and Moderators may submit translations too (test_languages_lookups.py).
    moderator = User.objects.create_superuser("admin", "admin@ijm.test", "pw-admin-123456")
    browser = _browser(moderator)
    submit = reverse("simple_translation:submit_page_translation", args=[english_story.pk])
    form = browser.get(submit)
    assert form.status_code == 200
    response = browser.post(submit, {"locales": [filipino_index.locale.pk]})
    assert response.status_code == 302

    filipino = english_story.get_translation(filipino_index.locale).specific
    assert not filipino.live
    assert filipino.get_parent().pk == filipino_index.pk

    refused = _post_edit(browser, filipino, PUBLISH)
    filipino.refresh_from_db()
    assert not filipino.live
    assert "safeguarding" in refused.content.decode().lower()

    _post_edit(browser, filipino, PUBLISH, tick=(CONSENT, ANONYMITY))
    filipino.refresh_from_db()
    assert filipino.live
    assert filipino.live_revision.story_confirmation.confirmed_by == moderator


def test_the_page_tree_is_not_synced_so_no_story_appears_in_filipino_by_itself(
    english_story, filipino_index
):
    assert settings.WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE is False
    before = Page.objects.filter(locale=filipino_index.locale).count()
    index = StoryIndexPage.objects.get(locale__language_code="en")
    story = index.add_child(
        instance=StoryPage(
            title="Maria's Story",
            slug="marias-story",
            summary="Maria is safe.",
            body=[("paragraph", "<p>Maria loves drawing.</p>")],
        )
    )
    publish_confirmed_story(story)
    other = index.add_child(instance=StandardPage(title="A note", slug="a-note"))
    other.save_revision().publish()
    assert Page.objects.filter(locale=filipino_index.locale).count() == before


def test_an_alias_of_a_story_starts_as_a_draft(english_story, filipino_index):
    alias = english_story.create_alias(parent=filipino_index, update_locale=filipino_index.locale)
    alias.refresh_from_db()
    assert alias.alias_of_id == english_story.pk
    assert not alias.live


def test_update_aliases_cannot_publish_an_alias_of_a_story_nobody_confirmed(filipino_index):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    unconfirmed = index.add_child(
        instance=StoryPage(
            title="Lito's Story",
            slug="litos-story",
            summary="Lito is safe.",
            body=[("paragraph", "<p>Lito plays football.</p>")],
        )
    )
    unconfirmed.save_revision()
    alias = unconfirmed.create_alias(parent=filipino_index, update_locale=filipino_index.locale)

    with pytest.raises(StoryNotConfirmedError):
        unconfirmed.update_aliases()
    alias.refresh_from_db()
    assert not alias.live

    alias.live = True
    with pytest.raises(StoryNotConfirmedError):
        alias.save()
    alias.refresh_from_db()
    assert not alias.live


def test_a_translated_story_keeps_its_picture_and_blocks_and_locks_them_while_live(filipino_index):
    from pages.story_content_lock import StoryContentInUseError
    from tests.test_story_content_lock import _image

    photo = _image()
    index = StoryIndexPage.objects.get(locale__language_code="en")
    english = index.add_child(
        instance=StoryPage(
            title="Maria's Story",
            slug="marias-story",
            summary="Maria is safe.",
            image=photo,
            body=[("paragraph", "<p>Maria loves drawing.</p>")],
        )
    )
    english = publish_confirmed_story(english)
    filipino = english.copy_for_translation(filipino_index.locale).specific
    assert filipino.image_id == photo.pk  # images are shared by both languages
    assert [b.block_type for b in filipino.body] == [b.block_type for b in english.body]
    filipino = publish_confirmed_story(filipino)
    english.unpublish()

    photo.description = "Maria Santos outside her school"
    with pytest.raises(StoryContentInUseError, match=filipino.title):
        photo.save()
