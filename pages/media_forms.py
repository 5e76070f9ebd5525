"""The admin's image and document forms (see WAGTAILIMAGES_IMAGE_FORM_BASE and
WAGTAILDOCS_DOCUMENT_FORM_BASE in the settings).

Both refuse a change to what a live or scheduled story shows (pages/story_content_lock.py) on the
form itself, so the editor reads why and keeps what they typed. The image form also words the
pixel limit (settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS) as what to do about it.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from pages.story_content_lock import StoryContentFormMixin

TOO_MANY_PIXELS = _(
    "This picture is too large to process (%(num_pixels)s pixels; the most we accept is "
    "%(max_pixels_count)s). Please export a smaller copy, for example 6,000 pixels on its long "
    "side (a phone photo of up to 48 megapixels is fine), and upload that."
)


class SiteImageForm(StoryContentFormMixin, BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].error_messages["file_too_many_pixels"] = TOO_MANY_PIXELS


class SiteDocumentForm(StoryContentFormMixin, BaseDocumentForm):
    pass
