"""The site's image model.

A custom model from day one, so privacy rules and extra fields live on it. Every image file is
cleaned of its metadata (EXIF, GPS, XMP, comments: see pages/image_privacy.py) in `save()`,
the one place every upload passes: the admin's add and multiple-upload views, the chooser's
upload tab, and code.
"""

import os
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.utils.file import hash_filelike

from pages.image_privacy import strip_metadata


class SiteImage(AbstractImage):
    description = models.CharField(
        _("description (alt text)"),
        blank=True,
        max_length=255,
        default="",
        help_text=(
            _(
                "What the picture shows, in a sentence, for people who can't see it: screen "
                "readers read it out. Needed before the image can be a page's main picture. Never "
                "a name."
            )
        ),
    )

    admin_form_fields = Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A file loaded from the database was cleaned when it was saved. Read the raw value, not
        # the descriptor, so a queryset that defers the file costs no extra query.
        stored = self.__dict__.get("file") if self.pk else None
        self._clean_file_name = getattr(stored, "name", stored) or None

    def mark_file_as_unchecked(self) -> None:
        """The next save cleans the file again (see the strip_image_metadata command)."""
        self._clean_file_name = None

    def save(self, *args, **kwargs):
        if self.file and (not self.file._committed or self.file.name != self._clean_file_name):
            self._replace_file_with_clean_copy()
        super().save(*args, **kwargs)
        self._clean_file_name = self.file.name

    def _replace_file_with_clean_copy(self) -> None:
        self.file.open("rb")
        self.file.seek(0)
        clean = strip_metadata(self.file.read())
        stem = os.path.splitext(os.path.basename(self.file.name))[0]
        if self.file._committed:
            # Already written by the multiple-upload view: remove that copy, metadata and all.
            self.file.storage.delete(self.file.name)
        self.file.save(f"{stem}.{clean.extension}", ContentFile(clean.content), save=False)
        self.width, self.height = clean.width, clean.height
        self.file_size = len(clean.content)
        self.file_hash = hash_filelike(BytesIO(clean.content))


class SiteRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
