"""Photos are stored without what they say about where and when they were taken.

Each test uploads a real image file, then reads back what was written to storage with Pillow.
"""

import json
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from pages.blocks import ContentImageBlock
from pages.image_privacy import strip_metadata
from pages.images import SiteImage
from pages.models import StoryPage
from tests.admin_users import signed_in

pytestmark = pytest.mark.django_db

LATITUDE = (14.0, 35.0, 12.5)  # somewhere in Metro Manila
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="14,35.2083N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def _exif(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.DateTime] = "2026:11:01 09:30:00"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 3.0, 40.0)
    return exif.tobytes()


def _picture(size=(64, 48)):
    """A picture with detail, so lossy re-encoding would show."""
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [(x * 4 % 256, y * 5 % 256, (x + y) * 3 % 256) for y in range(height) for x in range(width)]
    )
    return image


def gps_jpeg(orientation=1) -> bytes:
    out = BytesIO()
    _picture().save(
        out, "JPEG", quality=95, exif=_exif(orientation), xmp=XMP, comment=b"12 Rizal Street"
    )
    return out.getvalue()


def _assert_no_metadata(data: bytes):
    with Image.open(BytesIO(data)) as image:
        exif = image.getexif()
        assert not exif, dict(exif)
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        for key in ("exif", "xmp", "comment", "XML:com.adobe.xmp"):
            assert key not in image.info, key
    for marker in (b"Exif\x00\x00", b"GPS", b"xmpmeta", b"PhoneMaker", b"Rizal", b"14,35"):
        assert marker not in data, marker


def _stored_bytes(image: SiteImage) -> bytes:
    with image.file.open("rb") as f:
        return f.read()


@pytest.fixture
def editor(seeded_site):
    return signed_in("editor", "Editors")


def test_the_test_photo_really_carries_gps_exif_xmp_and_a_comment():
    data = gps_jpeg()
    with Image.open(BytesIO(data)) as image:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert gps[ExifTags.GPS.GPSLatitude] == LATITUDE
        assert "xmp" in image.info and image.info["comment"] == b"12 Rizal Street"


def test_a_gps_tagged_photo_uploaded_through_the_admin_is_stored_without_location(editor):
    original = gps_jpeg()
    response = editor.post(
        reverse("wagtailimages:add"),
        {
            "title": "Children's drawings",
            "file": SimpleUploadedFile("drawings.jpg", original, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = SiteImage.objects.get(title="Children's drawings")
    stored = _stored_bytes(image)
    _assert_no_metadata(stored)
    with Image.open(BytesIO(stored)) as clean, Image.open(BytesIO(original)) as source:
        print(
            f"\nGPS upload: {len(original)} bytes with EXIF/GPS/XMP/comment -> stored "
            f"{image.file.name} {len(stored)} bytes, EXIF {dict(clean.getexif())}, "
            f"info keys {sorted(clean.info)}"
        )
        assert clean.format == "JPEG" and clean.size == source.size
        # Not rotated: re-written with the photo's own quantisation tables, so no quality lost.
        assert clean.quantization == source.quantization
    assert image.file_size == len(stored)
    assert (image.width, image.height) == (64, 48)


def test_a_rotated_phone_photo_is_stored_upright(editor):
    editor.post(
        reverse("wagtailimages:add"),
        {
            "title": "Sideways",
            "file": SimpleUploadedFile("sideways.jpg", gps_jpeg(orientation=6), "image/jpeg"),
        },
    )
    image = SiteImage.objects.get(title="Sideways")
    stored = _stored_bytes(image)
    _assert_no_metadata(stored)
    with Image.open(BytesIO(stored)) as clean:
        assert clean.size == (48, 64)
    assert (image.width, image.height) == (48, 64)


def test_the_multiple_upload_view_stores_clean_files_and_leaves_no_raw_copy(editor, settings):
    response = editor.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("many.jpg", gps_jpeg(), "image/jpeg")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert json.loads(response.content)["success"], response.content
    image = SiteImage.objects.get()
    _assert_no_metadata(_stored_bytes(image))
    originals = list((settings.PRIVATE_MEDIA_ROOT / "original_images").glob("many*"))
    assert originals
    for path in originals:
        _assert_no_metadata(path.read_bytes())


def test_the_choosers_upload_tab_stores_a_clean_file(editor):
    response = editor.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "From the chooser",
            "image-chooser-upload-file": SimpleUploadedFile("c.jpg", gps_jpeg(), "image/jpeg"),
        },
    )
    assert response.status_code == 200
    _assert_no_metadata(_stored_bytes(SiteImage.objects.get(title="From the chooser")))


def _save(data: bytes, name: str) -> SiteImage:
    return SiteImage.objects.create(
        title=name, file=SimpleUploadedFile(name, data), width=0, height=0
    )


def test_png_text_exif_and_xmp_chunks_are_removed_and_pixels_kept():
    picture = _picture()
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "12 Rizal Street")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = BytesIO()
    picture.save(out, "PNG", pnginfo=info, exif=_exif())
    image = _save(out.getvalue(), "map.png")
    stored = _stored_bytes(image)
    _assert_no_metadata(stored)
    with Image.open(BytesIO(stored)) as clean:
        assert clean.format == "PNG" and "Location" not in clean.info
        assert clean.convert("RGB").tobytes() == picture.tobytes()


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_loses_its_metadata_and_keeps_its_kind(lossless):
    picture = _picture()
    out = BytesIO()
    picture.save(out, "WEBP", lossless=lossless, quality=80, exif=_exif(), xmp=XMP)
    stored = _stored_bytes(_save(out.getvalue(), "photo.webp"))
    _assert_no_metadata(stored)
    assert (b"VP8L" in stored[:64]) is lossless
    if lossless:
        with Image.open(BytesIO(stored)) as clean:
            assert clean.convert("RGB").tobytes() == picture.tobytes()


def test_avif_loses_its_metadata():
    out = BytesIO()
    _picture().save(out, "AVIF", exif=_exif(), xmp=XMP)
    stored = _stored_bytes(_save(out.getvalue(), "photo.avif"))
    _assert_no_metadata(stored)
    with Image.open(BytesIO(stored)) as clean:
        assert clean.format == "AVIF"


def test_an_iphone_heic_photo_becomes_a_clean_jpeg():
    out = BytesIO()
    _picture().save(out, "HEIF", exif=_exif(orientation=6), xmp=XMP)
    image = _save(out.getvalue(), "IMG_0001.heic")
    assert image.file.name.endswith(".jpg")
    stored = _stored_bytes(image)
    _assert_no_metadata(stored)
    with Image.open(BytesIO(stored)) as clean:
        assert clean.format == "JPEG"


def test_a_gif_comment_is_removed():
    out = BytesIO()
    _picture().convert("P").save(out, "GIF", comment=b"12 Rizal Street")
    _assert_no_metadata(_stored_bytes(_save(out.getvalue(), "anim.gif")))


@pytest.mark.parametrize("spec", ["width-32|format-jpeg", "fill-20x20|format-webp", "width-30"])
def test_renditions_carry_no_metadata(spec):
    image = _save(gps_jpeg(orientation=6), "source.jpg")
    rendition = image.get_rendition(spec)
    with rendition.file.open("rb") as f:
        _assert_no_metadata(f.read())


def test_strip_metadata_refuses_what_is_not_an_image():
    with pytest.raises(ValueError, match="not an image"):
        strip_metadata(b"<svg></svg>")


# Alt text


def test_a_content_image_needs_alt_text_unless_decorative():
    image = _save(gps_jpeg(), "content.jpg")
    block = ContentImageBlock()
    with pytest.raises(ValidationError) as refused:
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "decorative": False}))
    assert "alt text" in str(refused.value.block_errors).lower()
    assert block.clean(block.to_python({"image": image.pk, "alt_text": "", "decorative": True}))
    described = block.clean(
        block.to_python({"image": image.pk, "alt_text": "A drawing", "decorative": False})
    )
    assert described.contextual_alt_text == "A drawing"


def test_a_story_image_needs_a_description_to_serve_as_alt_text(seeded_site):
    image = _save(gps_jpeg(), "story.jpg")
    story = StoryPage.objects.get(locale__language_code="en")
    story.image = image
    with pytest.raises(ValidationError) as refused:
        story.full_clean()
    assert "description" in str(refused.value.message_dict["image"])
    image.description = "Children's drawings pinned to a wall"
    image.save()
    story.full_clean()


def test_the_clean_up_command_cleans_images_stored_before_stripping_existed(capsys):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    image = _save(gps_jpeg(), "old.jpg")
    image.get_rendition("width-20")
    # An image stored the old way: its raw, GPS-tagged bytes written straight to storage.
    raw_name = default_storage.save("original_images/legacy.jpg", ContentFile(gps_jpeg()))
    SiteImage.objects.filter(pk=image.pk).update(file=raw_name)
    assert b"GPS" in _stored_bytes(SiteImage.objects.get(pk=image.pk))

    call_command("strip_image_metadata")

    image = SiteImage.objects.get(pk=image.pk)
    _assert_no_metadata(_stored_bytes(image))
    assert not image.renditions.exists()
    assert "Cleaned 1 image(s)" in capsys.readouterr().out
