"""A survivor's story goes live only when an editor confirmed, for that very version, that
consent is on file and that nothing in it identifies the survivor. Every publishing path is tried:
the editor's publish and schedule buttons, the create view, workflow approval (from the editor
and from the dashboard), bulk publish, scheduled publishing and `revision.publish()`."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision, Workflow
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from pages.models import StandardPage, StoryIndexPage, StoryPage
from pages.safeguarding import StoryConfirmation, StoryNotConfirmedError, confirm_revision
from tests.conftest import publish_confirmed_story, visible_text

pytestmark = pytest.mark.django_db

CONSENT = "confirm_consent_on_file"
ANONYMITY = "confirm_no_identifying_detail"


def _user(name, group):
    user = User.objects.create_user(name, password=f"pw-{name}-123456", email=f"{name}@ijm.test")
    user.groups.add(Group.objects.get(name=group))
    return user


def _browser(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def editor(seeded_site):
    return _user("editor", "Editors")


@pytest.fixture
def moderator(seeded_site):
    return _user("moderator", "Moderators")


@pytest.fixture
def draft_story(seeded_site):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    story = index.add_child(
        instance=StoryPage(
            title="Maria's Story",
            slug="marias-story",
            summary="Maria is safe and back at school.",
            body=[("paragraph", "<p>Maria loves drawing.</p>")],
        )
    )
    story.save_revision()
    return StoryPage.objects.get(pk=story.pk)


def _edit_form(browser, story):
    response = browser.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.update(_current_body(story))
    return response, data


def _body(html):
    """StreamFields are drawn by JavaScript, so their fields are not in the HTML form."""
    return nested_form_data({"body": streamfield([("paragraph", rich_text(html))])})


def _current_body(story):
    """The story's body as the editor's browser sends it back, block ids included."""
    body = StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().body
    data = {"body-count": str(len(body))}
    for n, block in enumerate(body):
        data |= {
            f"body-{n}-type": block.block_type,
            f"body-{n}-value": rich_text(block.value.source),
            f"body-{n}-id": block.id,
            f"body-{n}-order": str(n),
            f"body-{n}-deleted": "",
        }
    return data


def _post_edit(browser, story, action, tick=(), **changes):
    _, data = _edit_form(browser, story)
    for name in (CONSENT, ANONYMITY):
        data.pop(name, None)
    for name in tick:
        data[name] = "on"
    for name, value in changes.items():
        data[name] = value
    data.update(action)
    return browser.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), data, follow=True)


def _errors(response) -> str:
    return visible_text(response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


PUBLISH = {"action-publish": "action-publish"}
SUBMIT = {"action-submit": "action-submit"}


# The editor's form


def test_the_confirmations_are_never_ticked_in_advance(moderator, draft_story):
    browser = _browser(moderator)
    response = _post_edit(browser, draft_story, PUBLISH, tick=(CONSENT, ANONYMITY))
    assert StoryPage.objects.get(pk=draft_story.pk).live
    response, data = _edit_form(browser, draft_story)
    html = response.content.decode()
    assert f'name="{CONSENT}"' in html and f'name="{ANONYMITY}"' in html
    assert CONSENT not in data and ANONYMITY not in data
    assert "Safeguarding" in html and "consent to share this story is on file" in html


def test_the_publish_button_refuses_without_both_confirmations_and_says_what_is_missing(
    moderator, draft_story
):
    browser = _browser(moderator)
    response = _post_edit(browser, draft_story, PUBLISH, tick=(CONSENT,))
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert not story.live
    text = _errors(response)
    assert "confirm that the story holds no identifying detail" in text
    assert "can't be published or scheduled until both safeguarding confirmations" in text
    assert "confirm that the survivor's consent is on file" not in text  # that one was ticked
    assert any("could not be" in m for m in _messages(response))


def test_the_publish_button_publishes_with_both_and_records_who_confirmed(moderator, draft_story):
    browser = _browser(moderator)
    _post_edit(browser, draft_story, PUBLISH, tick=(CONSENT, ANONYMITY))
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert story.live
    confirmation = story.live_revision.story_confirmation
    assert confirmation.confirmed_by == moderator
    assert confirmation.consent_on_file and confirmation.no_identifying_detail
    assert Client().get("/stories/marias-story/").status_code == 200


def test_scheduling_from_the_editor_needs_both_confirmations(moderator, draft_story):
    browser = _browser(moderator)
    go_live = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    _post_edit(browser, draft_story, PUBLISH, go_live_at=go_live)
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()

    _post_edit(browser, draft_story, PUBLISH, tick=(CONSENT, ANONYMITY), go_live_at=go_live)
    scheduled = Revision.objects.get(approved_go_live_at__isnull=False)
    assert scheduled.story_confirmation.confirmed_by == moderator
    assert not StoryPage.objects.get(pk=draft_story.pk).live


def test_a_new_story_can_be_created_and_published_in_one_go_only_with_both(moderator, seeded_site):
    browser = _browser(moderator)
    index = StoryIndexPage.objects.get(locale__language_code="en")
    url = reverse("wagtailadmin_pages:add", args=["pages", "storypage", index.pk])
    data = querydict_from_html(browser.get(url).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Jun's Story",
            "slug": "juns-story",
            "summary": "Jun is safe.",
            **_body("<p>Jun plays football.</p>"),
            **PUBLISH,
        }
    )
    response = browser.post(url, data, follow=True)
    assert "Tick this to publish or schedule the story" in _errors(response)
    assert not StoryPage.objects.filter(slug="juns-story").exists()

    data[CONSENT] = data[ANONYMITY] = "on"
    browser.post(url, data, follow=True)
    story = StoryPage.objects.get(locale__language_code="en", slug="juns-story")
    assert story.live and story.live_revision.story_confirmation.confirmed_by == moderator


def test_the_pseudonym_note_cannot_be_blanked(moderator, draft_story):
    browser = _browser(moderator)
    response = _post_edit(
        browser, draft_story, PUBLISH, tick=(CONSENT, ANONYMITY), pseudonym_note="   "
    )
    assert not StoryPage.objects.get(pk=draft_story.pk).live
    assert "This field is required" in _errors(response)

    story = StoryPage.objects.get(pk=draft_story.pk)
    story.pseudonym_note = ""
    with pytest.raises(ValidationError, match="pseudonym"):
        story.full_clean()


def test_the_story_page_always_says_the_name_is_a_pseudonym(client, seeded_site):
    text = visible_text(client.get("/stories/aarons-story/").content.decode())
    assert "*A pseudonym" in text
    assert "The survivor's name in this story is a pseudonym" in text


# Confirmations belong to one revision


def test_a_confirmation_does_not_carry_over_to_a_later_edit(draft_story):
    first = draft_story.save_revision()
    confirm_revision(first)
    draft_story.summary = "Maria is safe, back at school at Rizal Elementary."
    second = draft_story.save_revision()
    with pytest.raises(StoryNotConfirmedError, match="no editor has confirmed"):
        second.publish()
    assert not StoryPage.objects.get(pk=draft_story.pk).live
    first.publish()
    assert StoryPage.objects.get(pk=draft_story.pk).live


def test_overwriting_a_revision_in_place_drops_its_confirmation(draft_story):
    revision = draft_story.save_revision()
    confirm_revision(revision)
    draft_story.summary = "Changed after the check."
    draft_story.save_revision(overwrite_revision=revision)
    assert not StoryConfirmation.objects.filter(revision=revision).exists()
    with pytest.raises(StoryNotConfirmedError):
        revision.publish()


def test_a_plain_draft_save_records_no_confirmation_even_when_ticked(moderator, draft_story):
    browser = _browser(moderator)
    _post_edit(browser, draft_story, {}, tick=(CONSENT, ANONYMITY))
    assert not StoryConfirmation.objects.filter(revision__object_id=str(draft_story.pk)).exists()


# Programmatic paths


def test_revision_publish_refuses_an_unconfirmed_story_with_a_clear_message(draft_story):
    revision = draft_story.get_latest_revision()
    with pytest.raises(StoryNotConfirmedError) as refused:
        revision.publish()
    message = str(refused.value)
    assert "“Maria's Story” was not published" in message
    assert "consent is on file" in message and "no identifying detail" in message
    assert not StoryPage.objects.get(pk=draft_story.pk).live


def test_one_missing_confirmation_is_named_on_its_own(draft_story):
    revision = draft_story.get_latest_revision()
    confirm_revision(revision, consent_on_file=True, no_identifying_detail=False)
    with pytest.raises(StoryNotConfirmedError) as refused:
        revision.publish()
    assert "no identifying detail" in str(refused.value)
    assert "consent is on file" not in str(refused.value)


def test_a_story_created_live_in_code_starts_as_a_draft(seeded_site):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    story = index.add_child(instance=StoryPage(title="Code story", summary="s", body=[]))
    assert not StoryPage.objects.get(pk=story.pk).live


def test_saving_a_story_live_with_an_unconfirmed_revision_is_refused(draft_story):
    revision = draft_story.get_latest_revision()
    story = revision.as_object()
    story.live = True
    story.live_revision = revision
    with pytest.raises(StoryNotConfirmedError):
        story.save()
    assert not StoryPage.objects.get(pk=draft_story.pk).live


def test_publishing_other_page_types_needs_no_confirmation(seeded_site):
    about = StandardPage.objects.get(locale__language_code="en", slug="about")
    about.intro = "Changed"
    about.save_revision().publish()
    assert StandardPage.objects.get(locale__language_code="en", slug="about").intro == "Changed"


# Scheduled publishing


def test_publish_scheduled_publishes_a_confirmed_story_when_its_time_comes(draft_story):
    draft_story.go_live_at = timezone.now() + timedelta(hours=1)
    revision = draft_story.save_revision()
    confirm_revision(revision)
    revision.publish()
    assert not StoryPage.objects.get(pk=draft_story.pk).live
    # Time passes: the scheduled moment is now behind us.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    assert StoryPage.objects.get(pk=draft_story.pk).live


def test_an_unconfirmed_story_cannot_be_scheduled_in_code(draft_story):
    draft_story.go_live_at = timezone.now() + timedelta(hours=1)
    revision = draft_story.save_revision()
    with pytest.raises(StoryNotConfirmedError):
        revision.publish()
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None


def test_publish_scheduled_skips_an_unconfirmed_story_and_still_publishes_the_rest(
    draft_story, capsys
):
    past = timezone.now() - timedelta(minutes=1)
    story_revision = draft_story.save_revision()
    Revision.objects.filter(pk=story_revision.pk).update(approved_go_live_at=past)
    about = StandardPage.objects.get(locale__language_code="en", slug="about")
    about.intro = "Scheduled intro"
    about_revision = about.save_revision()
    Revision.objects.filter(pk=about_revision.pk).update(approved_go_live_at=past)

    call_command("publish_scheduled")

    assert not StoryPage.objects.get(pk=draft_story.pk).live
    assert (
        StandardPage.objects.get(locale__language_code="en", slug="about").intro
        == "Scheduled intro"
    )
    err = capsys.readouterr().err
    assert "Not published: “Maria's Story”" in err and "consent is on file" in err
    assert Revision.objects.get(pk=story_revision.pk).approved_go_live_at is None


# Moderation workflow


def test_editors_cannot_publish_and_must_confirm_to_submit(editor, draft_story):
    browser = _browser(editor)
    _post_edit(browser, draft_story, PUBLISH, tick=(CONSENT, ANONYMITY))
    assert not StoryPage.objects.get(pk=draft_story.pk).live

    response = _post_edit(browser, draft_story, SUBMIT)
    assert "Tick this to submit the story for approval" in _errors(response)
    assert StoryPage.objects.get(pk=draft_story.pk).current_workflow_state is None

    _post_edit(browser, draft_story, SUBMIT, tick=(CONSENT, ANONYMITY))
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert story.current_workflow_state is not None and not story.live
    assert story.get_latest_revision().story_confirmation.confirmed_by == editor


def _approve_from_dashboard(browser, story):
    task_state = story.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk])
    return browser.post(url, {"comment": ""}, follow=True)


def test_a_moderator_approving_a_confirmed_submission_publishes_it(editor, moderator, draft_story):
    _post_edit(_browser(editor), draft_story, SUBMIT, tick=(CONSENT, ANONYMITY))
    story = StoryPage.objects.get(pk=draft_story.pk)
    _approve_from_dashboard(_browser(moderator), story)
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert story.live
    assert story.live_revision.story_confirmation.confirmed_by == editor


def test_a_moderator_cannot_approve_an_unconfirmed_version(editor, moderator, draft_story):
    story = StoryPage.objects.get(pk=draft_story.pk)
    Workflow.objects.get(name="Moderators approve").start(story, editor)
    story = StoryPage.objects.get(pk=draft_story.pk)

    response = _approve_from_dashboard(_browser(moderator), story)

    story = StoryPage.objects.get(pk=draft_story.pk)
    assert not story.live
    assert story.current_workflow_task_state.status == "in_progress"
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert "no editor has confirmed" in _errors(response)


def test_a_moderator_approving_with_edits_must_confirm_the_new_version(
    editor, moderator, draft_story
):
    _post_edit(_browser(editor), draft_story, SUBMIT, tick=(CONSENT, ANONYMITY))
    browser = _browser(moderator)
    approve = {"action-workflow-action": "true", "workflow-action-name": "approve"}

    response = _post_edit(browser, draft_story, approve, summary="Edited by the moderator.")
    assert "Tick this to approve the story" in _errors(response)
    assert not StoryPage.objects.get(pk=draft_story.pk).live

    _post_edit(
        browser, draft_story, approve, tick=(CONSENT, ANONYMITY), summary="Edited by the moderator."
    )
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert story.live and story.summary == "Edited by the moderator."
    assert story.live_revision.story_confirmation.confirmed_by == moderator


def test_a_moderator_approving_unchanged_from_the_editor_approves_what_was_confirmed(
    editor, moderator, draft_story
):
    _post_edit(_browser(editor), draft_story, SUBMIT, tick=(CONSENT, ANONYMITY))
    approve = {"action-workflow-action": "true", "workflow-action-name": "approve"}
    _post_edit(_browser(moderator), draft_story, approve)
    story = StoryPage.objects.get(pk=draft_story.pk)
    assert story.live
    assert story.live_revision.story_confirmation.confirmed_by == editor


# Bulk actions


def _bulk_publish(browser, *pages, include_descendants=False):
    ids = "&".join(f"id={page.pk}" for page in pages)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    data = {"include_descendants": "on"} if include_descendants else {}
    return browser.post(f"{url}?{ids}&next=/admin/pages/", data, follow=True)


def test_bulk_publish_refuses_an_unconfirmed_story_and_names_it(moderator, draft_story):
    response = _bulk_publish(_browser(moderator), draft_story)
    assert not StoryPage.objects.get(pk=draft_story.pk).live
    assert any("Nothing was published" in m and "Maria's Story" in m for m in _messages(response))


def test_bulk_publish_including_descendants_checks_draft_stories_below(moderator, draft_story):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    _bulk_publish(_browser(moderator), index, include_descendants=True)
    assert not StoryPage.objects.get(pk=draft_story.pk).live


def test_bulk_publish_publishes_a_confirmed_story(moderator, draft_story):
    confirm_revision(draft_story.get_latest_revision(), moderator)
    _bulk_publish(_browser(moderator), draft_story)
    assert StoryPage.objects.get(pk=draft_story.pk).live


def test_copying_a_live_story_never_publishes_the_copy(moderator, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en", slug="aarons-story")
    publish_confirmed_story(story, moderator)
    copy = story.copy(update_attrs={"slug": "aarons-story-copy", "title": "Copy"}, keep_live=True)
    assert not StoryPage.objects.get(pk=copy.pk).live


def test_an_alias_of_a_story_follows_only_confirmed_versions(moderator, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en", slug="aarons-story")
    alias = story.create_alias(update_slug="aarons-story-alias")
    assert not StoryPage.objects.get(pk=alias.pk).live  # created as a draft

    story.summary = "Changed, not confirmed"
    with pytest.raises(StoryNotConfirmedError):
        story.save_revision().publish()
    assert not StoryPage.objects.get(pk=alias.pk).live

    story = StoryPage.objects.get(pk=story.pk)
    story.summary = "Changed and confirmed"
    publish_confirmed_story(story)
    alias = StoryPage.objects.get(pk=alias.pk)
    assert alias.live and alias.summary == "Changed and confirmed"


def test_the_admin_api_publish_action_is_refused_with_a_json_message(moderator, draft_story):
    browser = _browser(User.objects.get(username="moderator"))
    response = browser.post(f"/admin/api/main/pages/{draft_story.pk}/action/publish/")
    assert response.status_code == 400
    assert "no editor has confirmed" in response.json()["message"]
    assert not StoryPage.objects.get(pk=draft_story.pk).live


def test_the_admin_api_cannot_schedule_an_unconfirmed_story(moderator, draft_story):
    draft_story.go_live_at = timezone.now() + timedelta(days=1)
    draft_story.save_revision()
    browser = _browser(User.objects.get(username="moderator"))
    response = browser.post(f"/admin/api/main/pages/{draft_story.pk}/action/publish/")
    assert response.status_code == 400
    assert "no editor has confirmed" in response.json()["message"]
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()
