"""The admin's image and document forms (see WAGTAILIMAGES_IMAGE_FORM_BASE and
WAGTAILDOCS_DOCUMENT_FORM_BASE in the settings).

Both refuse a change to what a live or scheduled story shows (pages/story_content_lock.py) on the
form itself, so the editor reads why and keeps what they typed. The image form also words the
pixel limit (settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS) as what to do about it.
"""

from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from pages.image_privacy import too_many_pixels_message
from pages.story_content_lock import StoryContentFormMixin


class SiteImageForm(StoryContentFormMixin, BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            # Wagtail fills in %(num_pixels)s and %(max_pixels_count)s; this message needs neither.
            message = too_many_pixels_message().replace("%", "%%")
            self.fields["file"].error_messages["file_too_many_pixels"] = message


class SiteDocumentForm(StoryContentFormMixin, BaseDocumentForm):
    pass
