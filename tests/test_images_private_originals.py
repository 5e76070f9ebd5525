"""Original uploads are never public at a guessable URL (issue 9, finding 1): image originals
and documents live in private storage; only renditions, which carry no metadata, are served."""

import uuid
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model

from pages.images import SiteImage
from tests.admin_users import signed_in

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (60, 40), (30, 90, 160)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def editor(seeded_site):
    return signed_in("editor", "Editors")


def test_an_uploaded_original_is_private_and_only_its_renditions_are_served(
    editor, client, settings
):
    response = editor.post(
        reverse("wagtailimages:add"),
        {"title": "Boat", "description": "A boat", "file": SimpleUploadedFile("boat.jpg", _jpeg())},
    )
    assert response.status_code == 302
    image = SiteImage.objects.get()
    assert (settings.PRIVATE_MEDIA_ROOT / image.file.name).is_file()
    assert not (settings.MEDIA_ROOT / image.file.name).exists()
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get(image.file.url).status_code == 404

    rendition = image.get_rendition("width-30")
    assert (settings.MEDIA_ROOT / rendition.file.name).is_file()
    served = client.get(rendition.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"


def test_documents_are_served_only_through_wagtails_view(client, settings, seeded_site):
    document = get_document_model().objects.create(
        title="Leaflet", file=SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4 leaflet")
    )
    assert (settings.PRIVATE_MEDIA_ROOT / document.file.name).is_file()
    assert client.get(f"/media/{document.file.name}").status_code == 404
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 leaflet"


def test_originals_an_older_version_left_in_public_media_are_moved_and_never_served(
    client, settings, seeded_site, capsys
):
    image = SiteImage.objects.create(
        title="Old", description="Old", file=SimpleUploadedFile("old.jpg", _jpeg())
    )
    name = f"original_images/legacy-{uuid.uuid4().hex[:8]}.jpg"
    legacy = settings.MEDIA_ROOT / name
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(_jpeg())
    SiteImage.objects.filter(pk=image.pk).update(file=name)
    assert client.get(f"/media/{name}").status_code == 404

    call_command("move_originals_to_private_storage")
    call_command("move_originals_to_private_storage")  # a second run changes nothing

    assert not legacy.exists()
    image = SiteImage.objects.get(pk=image.pk)
    assert (settings.PRIVATE_MEDIA_ROOT / image.file.name).read_bytes()[:2] == b"\xff\xd8"
    assert image.get_rendition("width-20").width == 20
    output = capsys.readouterr().out
    assert "Moved 1 file(s)" in output and "Moved 0 file(s)" in output


def test_a_name_already_taken_in_private_storage_gets_a_new_one(settings, seeded_site):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    name = f"original_images/taken-{uuid.uuid4().hex[:8]}.jpg"
    storages["default"].save(name, ContentFile(b"another picture"))
    image = SiteImage.objects.create(
        title="Old", description="Old", file=SimpleUploadedFile("old2.jpg", _jpeg())
    )
    (settings.MEDIA_ROOT / name).write_bytes(_jpeg())
    SiteImage.objects.filter(pk=image.pk).update(file=name)

    call_command("move_originals_to_private_storage")

    image = SiteImage.objects.get(pk=image.pk)
    assert image.file.name != name
    assert (settings.PRIVATE_MEDIA_ROOT / image.file.name).read_bytes()[:2] == b"\xff\xd8"
    assert not (settings.MEDIA_ROOT / name).exists()
