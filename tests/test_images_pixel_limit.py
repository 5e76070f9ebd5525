"""Pictures are limited by pixels, the figure that decides memory (issue 9, finding 8): an
11,000 × 11,000 PNG of a few hundred KB took about 1 GB to decode. 48 MP phone photos pass;
the 121 MP attack and 200 MP camera modes are refused at upload with a message asking for a
smaller export, and nothing else in the process decodes them either."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pages.image_privacy import ImageTooLargeError, strip_metadata
from pages.images import SiteImage
from tests.admin_users import signed_in

pytestmark = pytest.mark.django_db

SMALLER_EXPORT = "Please export a smaller copy"


def _bilevel_png(width: int, height: int) -> bytes:
    """As cheap to make as the attack file was to send: one bit a pixel, all blank."""
    out = BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def _grey_jpeg(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("L", (width, height), 128).save(out, "JPEG", quality=80)
    return out.getvalue()


@pytest.fixture
def editor(seeded_site):
    return signed_in("editor", "Editors")


def _upload(editor, name: str, data: bytes):
    return editor.post(
        reverse("wagtailimages:add"),
        {"title": name, "description": "A test picture", "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    "size", [(11_000, 11_000), (16_320, 12_240)], ids=["121-MP-attack", "200-MP-camera-mode"]
)
def test_a_picture_above_50_megapixels_is_refused_with_a_way_forward(editor, size):
    data = _bilevel_png(*size)
    assert len(data) < 2_000_000  # small on the wire, huge once decoded
    response = _upload(editor, "huge.png", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert SMALLER_EXPORT in page and "at most 50 megapixels" in page
    assert not SiteImage.objects.exists()


def test_a_48_megapixel_phone_photo_is_accepted(editor):
    response = _upload(editor, "phone.jpg", _grey_jpeg(8000, 6000))
    assert response.status_code == 302, response.content.decode()[:2000]
    image = SiteImage.objects.get()
    assert (image.width, image.height) == (8000, 6000)


def test_the_metadata_step_refuses_before_decoding_whatever_path_the_file_came_by():
    with pytest.raises(ImageTooLargeError, match=SMALLER_EXPORT):
        strip_metadata(_bilevel_png(11_000, 11_000))
    just_above = _bilevel_png(7_100, 7_100)  # Pillow only warns up to twice its limit
    with pytest.raises(ImageTooLargeError), pytest.warns(Image.DecompressionBombWarning):
        strip_metadata(just_above)


def test_pillows_own_bomb_limit_follows_the_sites(settings):
    """Pillow refuses outright any decode above twice its limit, anywhere in the process."""
    assert Image.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 50_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(BytesIO(_bilevel_png(11_000, 11_000)))
