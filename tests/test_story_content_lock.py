"""Nothing outside a story's confirmed revision changes what a live or scheduled story shows
(issue 9, finding 1). Tried as an Editor through the real admin views: the image edit view (new
file and description, the attack that was found), the focal point, delete, bulk delete, the
multiple uploader's edit form, documents' edit, delete and bulk delete; then in code."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.models import Collection, Site

from pages.images import SiteImage
from pages.models import StoryIndexPage, StoryPage
from pages.safeguarding import confirm_revision
from pages.settings import OrganisationSettings
from pages.story_content_lock import (
    StoryContentInUseError,
    stories_showing,
)
from tests.admin_users import signed_in
from tests.conftest import publish_confirmed_story
from tests.test_images_privacy import gps_jpeg

pytestmark = pytest.mark.django_db

Document = get_document_model()
SAFE_ALT = "Two hands holding a paper boat"
NAMING_ALT = "Maria Santos outside San Roque Elementary School"


def _png(colour=(200, 120, 40), size=(40, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _image(title="Paper boat", description=SAFE_ALT) -> SiteImage:
    return SiteImage.objects.create(
        title=title,
        description=description,
        file=SimpleUploadedFile(f"{title}.png", _png()),
        width=0,
        height=0,
    )


@pytest.fixture
def editor(seeded_site):
    return signed_in("editor", "Editors")


@pytest.fixture
def photo(seeded_site):
    return _image()


def _story(title="Maria's Story", **fields) -> StoryPage:
    index = StoryIndexPage.objects.get(locale__language_code="en")
    fields.setdefault("body", [("paragraph", "<p>Maria loves drawing.</p>")])
    story = index.add_child(
        instance=StoryPage(
            title=title,
            slug=title.lower().replace("'", "").replace(" ", "-"),
            summary="Maria is safe.",
            **fields,
        )
    )
    return StoryPage.objects.get(pk=story.pk)


def _live_story(**fields) -> StoryPage:
    return publish_confirmed_story(_story(**fields))


def _edit_image_form(image, **changes) -> dict:
    data = {
        "title": image.title,
        "description": image.description,
        "collection": image.collection_id,
        "tags": "",
        "focal_point_x": "",
        "focal_point_y": "",
        "focal_point_width": "",
        "focal_point_height": "",
    }
    data.update(changes)
    return data


def _messages(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_replacing_the_file_and_description_of_a_live_storys_photo_is_refused(
    editor, photo, client
):
    story = _live_story(image=photo)
    live_revision = story.live_revision_id
    before = SiteImage.objects.get(pk=photo.pk)

    response = editor.post(
        reverse("wagtailimages:edit", args=[photo.pk]),
        _edit_image_form(
            photo,
            description=NAMING_ALT,
            file=SimpleUploadedFile("school.png", _png((10, 200, 10))),
        ),
    )

    assert response.status_code == 200  # the form again, with what was typed
    page = response.content.decode()
    assert "was not changed" in page and "Maria&#x27;s Story" in page
    assert "confirm both safeguarding ticks again" in page
    assert NAMING_ALT in page
    after = SiteImage.objects.get(pk=photo.pk)
    assert (after.file.name, after.description) == (before.file.name, SAFE_ALT)
    story.refresh_from_db()
    assert story.live_revision_id == live_revision
    public = client.get(story.url).content.decode()
    assert SAFE_ALT in public and NAMING_ALT not in public


def _in_body(image):
    return [("image", {"image": image, "alt_text": "A paper boat", "decorative": False})]


def test_replacing_the_file_of_a_photo_in_a_live_storys_body_is_refused(editor, photo):
    _live_story(body=_in_body(photo))
    response = editor.post(
        reverse("wagtailimages:edit", args=[photo.pk]),
        _edit_image_form(photo, file=SimpleUploadedFile("face.png", _png((0, 0, 255)))),
    )
    assert "was not changed" in response.content.decode()
    assert SiteImage.objects.get(pk=photo.pk).file.name == photo.file.name


def test_moving_the_focal_point_of_a_live_storys_photo_is_refused(editor, photo):
    """The focal point decides what a cropped rendition shows."""
    _live_story(image=photo)
    response = editor.post(
        reverse("wagtailimages:edit", args=[photo.pk]),
        _edit_image_form(
            photo, focal_point_x=5, focal_point_y=5, focal_point_width=4, focal_point_height=4
        ),
    )
    assert "was not changed" in response.content.decode()
    assert SiteImage.objects.get(pk=photo.pk).focal_point_x is None


def test_a_scheduled_storys_photo_is_locked_from_its_scheduled_revision(editor, photo):
    story = _story(image=photo)
    story.go_live_at = timezone.now() + timedelta(days=1)
    revision = story.save_revision()
    confirm_revision(revision)
    revision.publish()
    story.refresh_from_db()
    assert not story.live

    response = editor.post(
        reverse("wagtailimages:edit", args=[photo.pk]),
        _edit_image_form(photo, description=NAMING_ALT),
    )
    assert "was not changed" in response.content.decode()
    assert SiteImage.objects.get(pk=photo.pk).description == SAFE_ALT

    response = editor.post(reverse("wagtailimages:delete", args=[photo.pk]))
    assert SiteImage.objects.filter(pk=photo.pk).exists()
    assert "was not deleted" in _messages(response)


def test_a_photo_used_only_by_a_draft_or_another_page_can_still_be_changed(editor, photo):
    _story(image=photo).save_revision()
    settings_row = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.social_image = photo  # the default sharing image is site-wide, not a story's
    settings_row.save()

    response = editor.post(
        reverse("wagtailimages:edit", args=[photo.pk]),
        _edit_image_form(photo, description="A paper boat on a river"),
    )
    assert response.status_code == 302
    assert SiteImage.objects.get(pk=photo.pk).description == "A paper boat on a river"


def test_the_lock_follows_the_live_revision_not_the_latest_draft(photo):
    """A draft that drops the photo leaves it locked (the public still sees it); a draft that
    adds another locks nothing until that draft is confirmed and published."""
    story = _live_story(image=photo)
    spare = _image("Spare", "A notebook")
    story.image = spare
    story.save_revision()

    assert [s.pk for s in stories_showing(photo)] == [story.pk]
    assert stories_showing(spare) == []
    spare.description = "A red notebook"
    spare.save()  # only the unconfirmed draft uses it


def test_the_collection_of_a_live_storys_photo_can_change(editor, photo):
    _live_story(image=photo)
    archive = Collection.get_first_root_node().add_child(name="Archive")
    photo.refresh_from_db()
    photo.collection = archive
    photo.save()
    assert SiteImage.objects.get(pk=photo.pk).collection == archive


def test_deleting_a_live_storys_photo_is_refused_and_names_the_story(editor, photo, client):
    story = _live_story(image=photo)
    url = reverse("wagtailimages:delete", args=[photo.pk])
    response = editor.post(url, headers={"referer": f"http://testserver{url}"})

    assert response.status_code == 302 and response.url.endswith(url)
    text = _messages(response)
    assert "was not deleted" in text and "“Maria's Story”" in text
    assert "remove it or choose another there" in text
    assert SiteImage.objects.filter(pk=photo.pk).exists()
    assert SAFE_ALT in client.get(story.url).content.decode()


def test_bulk_deleting_images_refuses_the_whole_batch_when_a_story_shows_one(editor, photo):
    unused = _image("Unused", "A chair")
    _live_story(body=_in_body(photo))

    url = (
        reverse("wagtail_bulk_action", args=("pages", "siteimage", "delete"))
        + f"?id={photo.pk}&id={unused.pk}&next=/admin/images/"
    )
    response = editor.post(url)

    assert response.status_code == 302 and response.url == "/admin/images/"
    assert "was not deleted" in _messages(response)
    assert SiteImage.objects.filter(pk__in=[photo.pk, unused.pk]).count() == 2


def test_the_multiple_uploaders_edit_form_refuses_too(editor, photo):
    _live_story(image=photo)
    response = editor.post(
        reverse("wagtailimages:edit_multiple", args=[photo.pk]),
        {
            f"image-{photo.pk}-title": "Renamed",
            f"image-{photo.pk}-description": NAMING_ALT,
            f"image-{photo.pk}-collection": photo.collection_id,
            f"image-{photo.pk}-tags": "",
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert "was not changed" in answer["form"]
    assert SiteImage.objects.get(pk=photo.pk).description == SAFE_ALT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_multiple_uploaders_delete_is_refused_with_a_message(editor, photo):
    """Run outside a test transaction: this view deletes without one of its own."""
    _live_story(image=photo)
    response = editor.post(
        reverse("wagtailimages:delete_multiple", args=[photo.pk]),
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 409
    assert "was not deleted" in json.loads(response.content)["message"]
    assert SiteImage.objects.filter(pk=photo.pk).exists()


@pytest.fixture
def leaflet(seeded_site):
    return Document.objects.create(
        title="Safety leaflet", file=SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4 leaflet")
    )


def _story_linking(document) -> StoryPage:
    link = f'<p>Read <a linktype="document" id="{document.pk}">the leaflet</a>.</p>'
    return _live_story(body=[("paragraph", link)])


def test_a_document_a_live_story_links_cannot_be_replaced_renamed_or_deleted(editor, leaflet):
    _story_linking(leaflet)

    response = editor.post(
        reverse("wagtaildocs:edit", args=[leaflet.pk]),
        {
            "title": "Leaflet with an address",
            "collection": leaflet.collection_id,
            "tags": "",
            "file": SimpleUploadedFile("other.pdf", b"%PDF-1.4 other"),
        },
    )
    assert "was not changed" in response.content.decode()
    stored = Document.objects.get(pk=leaflet.pk)
    assert (stored.title, stored.file.name) == ("Safety leaflet", leaflet.file.name)

    response = editor.post(reverse("wagtaildocs:delete", args=[leaflet.pk]))
    assert "was not deleted" in _messages(response)

    url = reverse("wagtail_bulk_action", args=("wagtaildocs", "document", "delete"))
    response = editor.post(f"{url}?id={leaflet.pk}&next=/admin/documents/")
    assert "was not deleted" in _messages(response)
    assert Document.objects.filter(pk=leaflet.pk).exists()


def test_in_code_a_save_or_delete_of_a_live_storys_photo_raises(photo):
    story = _live_story(image=photo)
    photo.refresh_from_db()
    photo.description = NAMING_ALT
    with pytest.raises(StoryContentInUseError) as refusal:
        photo.save()
    assert refusal.value.stories == [story]
    with pytest.raises(StoryContentInUseError), transaction.atomic():
        SiteImage.objects.filter(pk=photo.pk).delete()
    assert SiteImage.objects.get(pk=photo.pk).description == SAFE_ALT


def test_once_the_story_is_unpublished_the_photo_can_change_again(photo):
    story = _live_story(image=photo)
    story.unpublish()
    photo.refresh_from_db()
    photo.description = "A paper boat, closer"
    photo.save()
    photo.delete()


def test_stripping_metadata_from_a_live_storys_photo_is_maintenance_not_a_change(photo):
    """The clean-up command keeps the pixels, so it may rewrite a locked original; a real change
    of file content is still refused even when the storage reuses the file's name."""
    _live_story(image=photo)
    with photo.file.storage.open(photo.file.name, "wb") as stored:
        stored.write(gps_jpeg())

    call_command("strip_image_metadata")

    photo.refresh_from_db()
    with photo.file.open("rb") as stored:
        assert b"GPS" not in stored.read()
    photo.file_hash = "0" * 40
    with pytest.raises(StoryContentInUseError):
        photo.save()


def test_a_snippet_chooser_added_to_a_storys_blocks_later_is_locked_without_a_change():
    """The locked models come from the story's own definition: chooser blocks at any depth."""
    from wagtail import blocks
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.snippets.blocks import SnippetChooserBlock

    from pages.story_content_lock import _chooser_targets, models_a_story_can_use

    cards = blocks.ListBlock(blocks.StructBlock([("link", SnippetChooserBlock(Redirect))]))
    assert Redirect in _chooser_targets(blocks.StreamBlock([("cards", cards)]))
    assert {SiteImage, Document} <= models_a_story_can_use()
