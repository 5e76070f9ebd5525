"""Peak memory of one image upload through the admin, refused and accepted (issue 9, finding 8).

Each case runs in a fresh Python process (peak RSS only ever grows): Django with the test
settings on an in-memory SQLite database, an editor signed in, then one POST to the admin's
"Add an image" view, the path every upload takes (Wagtail's pixel check, then the metadata
clean-up in SiteImage.save). Prints the process's resident memory just before the upload, its
peak during the upload (Linux's VmHWM, reset just before) and the difference, which is what one
upload costs a worker on top of what it already holds.

- refused: the 11,000 × 11,000 PNG of the finding (121 MP, a few hundred KB), all blank RGB;
- accepted: a 48 MP (8000 × 6000) photo-like RGB JPEG, as a phone's high-resolution mode saves.

Usage: .venv/bin/python -m scripts.image_memory
"""

import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "refused: 121 MP PNG (11000 x 11000)": ("attack.png", (11_000, 11_000)),
    "accepted: 48 MP phone photo (8000 x 6000)": ("phone.jpg", (8000, 6000)),
}


def _make_files(folder: Path) -> None:
    from PIL import Image, ImageFilter, ImageOps

    Image.new("RGB", (11_000, 11_000)).save(folder / "attack.png", "PNG", optimize=True)
    size = (8000, 6000)
    noise = Image.effect_noise(size, 60).filter(ImageFilter.GaussianBlur(2))
    gradient = Image.linear_gradient("L").resize(size)
    photo = Image.merge("RGB", (noise, gradient, ImageOps.invert(noise)))
    photo.save(folder / "phone.jpg", "JPEG", quality=90)


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> None:
    """Linux resets the process's peak RSS (VmHWM) to its current RSS on "5" (since 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


def _measure(path: Path) -> dict:
    """In this (fresh) process: set up the site, then upload `path` once."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "ijm_site.settings_test"
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from ijm_site.settings import media_storages
    from pages.images import SiteImage

    static_storage = {"staticfiles": settings.STORAGES["staticfiles"]}

    media = Path(tempfile.mkdtemp(prefix="image-memory-"))
    override_settings(
        STORAGES={**media_storages(media / "public", media / "private"), **static_storage}
    ).enable()
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    user = User.objects.create_superuser("admin", "admin@example.org", "not-a-real-password")
    browser = Client()
    browser.force_login(user)
    browser.get(reverse("wagtailimages:add"))  # warm up the admin's code paths
    data = path.read_bytes()

    gc.collect()
    _reset_peak()
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    response = browser.post(
        reverse("wagtailimages:add"),
        {"title": path.stem, "file": SimpleUploadedFile(path.name, data)},
    )
    seconds = time.perf_counter() - started
    after = _status_mib("VmHWM")
    stored = SiteImage.objects.exists()
    shutil.rmtree(media)
    return {
        "file_kib": len(data) / 1024,
        "status": response.status_code,
        "stored": stored,
        "rss_before_mib": before,
        "peak_during_mib": after,
        "seconds": seconds,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(_measure(Path(sys.argv[2]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        _make_files(folder)
        print(
            f"{'case':42} {'file':>9} {'answer':>8} {'RSS before':>11} {'peak during':>12} "
            f"{'upload costs':>13} {'time':>7}"
        )
        for label, (name, _size) in CASES.items():
            result = subprocess.run(
                [sys.executable, "-m", "scripts.image_memory", "--measure", str(folder / name)],
                capture_output=True,
                text=True,
            )
            if result.returncode:
                sys.exit(f"{label} failed:\n{result.stderr}")
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            answer = "stored" if figures["stored"] else "refused"
            cost = figures["peak_during_mib"] - figures["rss_before_mib"]
            print(
                f"{label:42} {figures['file_kib']:>5.0f} KiB {answer:>8} "
                f"{figures['rss_before_mib']:>7.0f} MiB {figures['peak_during_mib']:>8.0f} MiB "
                f"{cost:>9.0f} MiB {figures['seconds']:>6.2f}s"
            )


if __name__ == "__main__":
    main()
