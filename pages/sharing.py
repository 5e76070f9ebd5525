"""What a page looks like when shared; pages/seo.py turns it into meta tags."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class SharingMixin(models.Model):
    """What a page looks like when shared: an optional picture of its own for social cards."""

    social_image = models.ForeignKey(
        "pages.SiteImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            _(
                "Optional. The picture shown when this page is shared on Facebook, X or in "
                "messaging apps (1200×630 pixels works best). Leave empty to use the page's main "
                "picture, or the site's default from Settings → Organisation details."
            )
        ),
    )

    promote_panels = [*Page.promote_panels, FieldPanel("social_image")]

    class Meta:
        abstract = True

    main_image_field = ""

    def get_social_image(self):
        return self.social_image or (
            getattr(self, self.main_image_field) if self.main_image_field else None
        )

    def get_meta_description(self) -> str:
        return self.search_description or ""
