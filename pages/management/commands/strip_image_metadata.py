"""Cleans images stored before metadata stripping existed, and drops their old renditions.

New uploads are cleaned as they are saved; run this once on a site that already had images.
"""

from django.core.management.base import BaseCommand

from pages.images import SiteImage


class Command(BaseCommand):
    help = "Re-write every stored image original without EXIF, GPS, XMP or comments."

    def handle(self, *args, **options):
        cleaned = 0
        for image in SiteImage.objects.iterator():
            if not image.file or not image.file.storage.exists(image.file.name):
                self.stderr.write(f"Skipped '{image.title}': its file is missing.")
                continue
            image.mark_file_as_unchecked()
            image.save()
            image.renditions.all().delete()
            cleaned += 1
        self.stdout.write(f"Cleaned {cleaned} image(s); their renditions will be made afresh.")
