"""What stripping metadata costs for a phone photo, and what it keeps.

Makes a 12-megapixel (4000×3000) photo-like JPEG with EXIF, GPS and XMP, as a phone would
upload it, then runs the same clean-up every upload goes through (pages/image_privacy.py):
once upright (orientation 1: re-written with its own quantisation tables) and once sideways
(orientation 6: rotated, re-encoded at quality 92). Prints time, sizes and the PSNR against the
upright pixels (higher is closer; above 40 dB is visually identical).

Usage: .venv/bin/python -m scripts.bench_image_privacy
"""

import math
import os
import time
from io import BytesIO

import django
from PIL import ExifTags, Image, ImageChops, ImageFilter, ImageOps, ImageStat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ijm_site.settings_test")
django.setup()  # the clean-up reads its pixel limit from the settings

from pages.image_privacy import strip_metadata  # noqa: E402

SIZE = (4000, 3000)
RUNS = 3


def phone_photo(orientation: int) -> bytes:
    noise = Image.effect_noise(SIZE, 60).filter(ImageFilter.GaussianBlur(2))
    gradient = Image.linear_gradient("L").resize(SIZE)
    picture = Image.merge("RGB", (noise, gradient, ImageOps.invert(noise)))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (14.0, 35.0, 12.5)
    out = BytesIO()
    picture.save(out, "JPEG", quality=90, exif=exif.tobytes(), xmp=b"<x:xmpmeta/>")
    return out.getvalue()


def psnr(a: Image.Image, b: Image.Image) -> float:
    rms = math.sqrt(sum(v * v for v in ImageStat.Stat(ImageChops.difference(a, b)).rms) / 3)
    return float("inf") if rms == 0 else 20 * math.log10(255 / rms)


def main() -> None:
    for orientation in (1, 6):
        data = phone_photo(orientation)
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            clean = strip_metadata(data)
            timings.append(time.perf_counter() - start)
        with Image.open(BytesIO(data)) as source, Image.open(BytesIO(clean.content)) as result:
            upright = ImageOps.exif_transpose(source).convert("RGB")
            quality = psnr(upright, result.convert("RGB"))
            exif_left = dict(result.getexif())
        print(
            f"orientation {orientation}: {len(data) / 1e6:.2f} MB in -> "
            f"{len(clean.content) / 1e6:.2f} MB out, {clean.width}x{clean.height}, "
            f"best of {RUNS}: {min(timings) * 1000:.0f} ms, PSNR vs upright source "
            f"{quality:.1f} dB, EXIF left: {exif_left or 'none'}"
        )


if __name__ == "__main__":
    main()
