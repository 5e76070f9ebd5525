"""Moves image originals and documents left in the public media folder into private storage."""

from django.core.management.base import BaseCommand
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from pages.private_originals import move_public_originals


class Command(BaseCommand):
    help = (
        "Move image originals and documents stored by older versions of the site out of the "
        "public MEDIA_ROOT into the private storage. Safe to run again."
    )

    def handle(self, *args, **options):
        moved = move_public_originals([get_image_model(), get_document_model()])
        self.stdout.write(f"Moved {moved} file(s) into private storage.")
