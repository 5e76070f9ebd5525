"""Cleans images stored before metadata stripping existed, and drops their old renditions.

New uploads are cleaned as they are saved; run this once on a site that already had images.
The pixels stay the same, so images that live stories show are cleaned too (see
pages/story_content_lock.py).
"""

from django.core.management.base import BaseCommand

from pages.images import SiteImage
from pages.story_content_lock import rewrites_without_visible_change


class Command(BaseCommand):
    help = "Re-write every stored image original without EXIF, GPS, XMP or comments."

    def handle(self, *args, **options):
        cleaned = 0
        for image in SiteImage.objects.iterator():
            if not image.file or not image.file.storage.exists(image.file.name):
                self.stderr.write(f"Skipped '{image.title}': its file is missing.")
                continue
            image.mark_file_as_unchecked()
            with rewrites_without_visible_change():
                image.save()
            image.renditions.all().delete()
            cleaned += 1
        self.stdout.write(f"Cleaned {cleaned} image(s); their renditions will be made afresh.")
