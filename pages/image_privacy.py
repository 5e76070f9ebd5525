"""Removes what a photo says about where and when it was taken before it is ever stored.

A phone photo carries EXIF (camera, time, often GPS coordinates), XMP and comments. For a
survivor's story that can lead to a home or a shelter, so every upload is re-written here with
only its pixels and, where present, its colour profile (ICC, so colours stay true).

- The EXIF orientation is applied to the pixels first, so the photo stays upright once the tag
  that rotated it is gone.
- Quality is kept: a JPEG that needs no rotation keeps its own quantisation tables and chroma
  subsampling (``quality="keep"``), a rotated one is saved at quality 92 with its original
  subsampling; PNG and GIF are lossless; a lossless WebP stays lossless, a lossy one is saved at
  quality 92; AVIF at quality 92.
- HEIC/HEIF (iPhone photos) become high-quality JPEGs: browsers don't show HEIC, and Wagtail's
  renditions are made from the original anyway.

Renditions are made from this cleaned original, so they carry nothing either.

Decoding is where memory goes (an 11,000 × 11,000 PNG of 353 KB needs about 1 GB), so:

- nothing above ``WAGTAILIMAGES_MAX_IMAGE_PIXELS`` (50 megapixels, frames counted) is decoded
  here: the size is read from the file's header and refused with a message asking for a smaller
  export; Wagtail's upload field refuses it first with the same limit;
- Pillow's own decompression-bomb limit is set from the same figure, so no other decode in the
  process (renditions of an old original included) goes past twice the limit;
- at most ``IMAGE_PROCESSING_SLOTS`` uploads are decoded at once per process, so a threaded
  worker receiving several large photos at once holds a bounded amount of memory
  (scripts/image_memory.py measures one upload).
"""

import threading
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, JpegImagePlugin

try:  # Wagtail's Willow installs pillow-heif; register it for Pillow too.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass

LOSSY_QUALITY = 92

Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
_decoding_slots = threading.BoundedSemaphore(settings.IMAGE_PROCESSING_SLOTS)


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    width: int
    height: int
    extension: str  # without the dot, e.g. "jpg"


class UnsupportedImageError(ValueError):
    pass


class ImageTooLargeError(UnsupportedImageError):
    pass


def too_many_pixels_message() -> str:
    megapixels = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // 1_000_000
    return _(
        "This picture has more pixels than the site can safely process (at most %(megapixels)s "
        "megapixels). Please export a smaller copy, for example 6,000 pixels on its long side, "
        "and upload that."
    ) % {"megapixels": megapixels}


def _pixel_count(image: Image.Image) -> int:
    width, height = image.size
    return width * height * max(1, getattr(image, "n_frames", 1))


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1) or 1)
    except Exception:  # noqa: BLE001  (a broken EXIF block must not stop the clean-up)
        return 1


def _upright(image: Image.Image) -> Image.Image:
    """Rotated in place, so a large picture is not held twice."""
    if _orientation(image) != 1:
        ImageOps.exif_transpose(image, in_place=True)
    return image


def _bare(image: Image.Image, keep: tuple[str, ...] = ()) -> Image.Image:
    """The picture with an info dict holding nothing but what we choose to keep. In place: the
    image is ours alone, and a copy would double the memory a large picture takes."""
    image.info = {key: image.info[key] for key in keep if key in image.info}
    return image


def _jpeg(source: Image.Image, out: BytesIO) -> str:
    icc = source.info.get("icc_profile")
    # No Huffman optimisation: it holds a second copy of the whole picture while encoding (135 MiB
    # more for 48 MP) to save a few per cent on an original nobody downloads (only renditions
    # are served).
    common = {"icc_profile": icc, "exif": b"", "comment": b""}
    if _orientation(source) == 1 and isinstance(source, JpegImagePlugin.JpegImageFile):
        if source.info.get("progressive"):
            common["progressive"] = True
        source.save(out, "JPEG", quality="keep", **common)
    else:
        subsampling = JpegImagePlugin.get_sampling(source) if source.format == "JPEG" else 0
        image = _upright(source)
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        _bare(image).save(
            out,
            "JPEG",
            quality=LOSSY_QUALITY,
            subsampling=subsampling if subsampling in (0, 1, 2) else 0,
            **common,
        )
    return "jpg"


def _png(source: Image.Image, out: BytesIO) -> str:
    image = _bare(_upright(source), keep=("icc_profile", "transparency", "gamma"))
    image.save(out, "PNG", icc_profile=image.info.get("icc_profile"))
    return "png"


def _webp_is_lossless(data: bytes) -> bool:
    """Walks the RIFF chunks: lossless WebP image data sits in a 'VP8L' chunk."""
    position = 12
    while position + 8 <= len(data):
        fourcc = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        position += 8 + size + (size & 1)
    return False


def _webp(source: Image.Image, out: BytesIO, data: bytes) -> str:
    lossless = _webp_is_lossless(data)
    options = {
        "lossless": lossless,
        "quality": 100 if lossless else LOSSY_QUALITY,
        "icc_profile": source.info.get("icc_profile", ""),
        "exif": b"",
        "xmp": "",
    }
    if getattr(source, "is_animated", False):
        source.save(out, "WEBP", save_all=True, **options)
    else:
        _bare(_upright(source)).save(out, "WEBP", **options)
    return "webp"


def _gif(source: Image.Image, out: BytesIO) -> str:
    source.info.pop("comment", None)
    source.info.pop("xmp", None)
    source.save(out, "GIF", save_all=getattr(source, "is_animated", False), comment=b"")
    return "gif"


def _avif(source: Image.Image, out: BytesIO) -> str:
    icc = source.info.get("icc_profile")
    image = _bare(_upright(source))
    image.save(
        out,
        "AVIF",
        quality=LOSSY_QUALITY,
        icc_profile=icc,
        exif=b"",
        xmp=b"",
    )
    return "avif"


def strip_metadata(data: bytes) -> CleanImage:
    """The same picture, upright, without EXIF, GPS, XMP or comments."""
    try:
        source = Image.open(BytesIO(data))  # reads the header only
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(too_many_pixels_message()) from exc
    except Exception as exc:  # noqa: BLE001
        raise UnsupportedImageError(_("This file is not an image we can read.")) from exc
    if _pixel_count(source) > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
        source.close()
        raise ImageTooLargeError(too_many_pixels_message())
    with _decoding_slots, source:
        try:
            source.load()
        except Exception as exc:  # noqa: BLE001
            raise UnsupportedImageError(_("This file is not an image we can read.")) from exc
        return _clean_copy(source, data)


def _clean_copy(source: Image.Image, data: bytes) -> CleanImage:
    writers = {"JPEG": _jpeg, "MPO": _jpeg, "HEIF": _jpeg, "PNG": _png, "GIF": _gif, "AVIF": _avif}
    out = BytesIO()
    if source.format == "WEBP":
        extension = _webp(source, out, data)
    elif source.format in writers:
        extension = writers[source.format](source, out)
    else:
        raise UnsupportedImageError(
            _("Images in %(kind)s format are not accepted.") % {"kind": source.format}
        )
    content = out.getvalue()
    with Image.open(BytesIO(content)) as clean:
        width, height = clean.size
    return CleanImage(content=content, width=width, height=height, extension=extension)
