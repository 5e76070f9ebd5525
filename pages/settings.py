"""Organisation details that staff edit once and the footer and contact section reuse.

Only names, addresses and numbers, the same in every language: prose a visitor reads (the
footer's tagline) lives on each language's home page, which is translated with the site.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

SOCIAL_HELP = "Optional. The full address of the organisation's page, starting with https://."


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    name = models.CharField(
        max_length=120,
        default="IJM Philippines",
        help_text=_("Shown in the header, the footer and page titles."),
    )
    address = models.TextField(blank=True, help_text=_("One line of the address per line."))
    phone = models.CharField(max_length=40, blank=True, help_text=_("e.g. '632 8 637 3983'."))
    fax = models.CharField(max_length=40, blank=True, help_text=_("Optional."))
    web_address = models.URLField(
        blank=True, help_text=_("The full address, e.g. 'https://www.osec.ijm.org'.")
    )
    email = models.EmailField(blank=True, help_text=_("A public address visitors may write to."))
    facebook_url = models.URLField("Facebook", blank=True, help_text=SOCIAL_HELP)
    x_url = models.URLField("X (Twitter)", blank=True, help_text=SOCIAL_HELP)
    instagram_url = models.URLField("Instagram", blank=True, help_text=SOCIAL_HELP)
    youtube_url = models.URLField("YouTube", blank=True, help_text=SOCIAL_HELP)
    linkedin_url = models.URLField("LinkedIn", blank=True, help_text=SOCIAL_HELP)
    social_image = models.ForeignKey(
        "pages.SiteImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default sharing image"),
        help_text=(
            _(
                "Shown when a page without a picture of its own is shared on social media or in "
                "messaging apps. 1200×630 pixels works best. Never a recognisable child. Left "
                "empty, the site's own illustrated picture is used."
            )
        ),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy notice"),
        help_text=_(
            "The page that says what the site collects and why. The footer and the donate form "
            "link to it; left empty, they show no privacy link."
        ),
    )

    panels = [
        MultiFieldPanel([FieldPanel("name")], heading=_("Organisation")),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("fax"),
                FieldPanel("web_address"),
                FieldPanel("email"),
            ],
            heading=_("Contact details"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("x_url"),
                FieldPanel("instagram_url"),
                FieldPanel("youtube_url"),
                FieldPanel("linkedin_url"),
            ],
            heading=_("Social links"),
        ),
        FieldPanel("social_image"),
        FieldPanel("privacy_page"),
    ]

    class Meta:
        verbose_name = _("organisation details")

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def social_links(self) -> list[tuple[str, str]]:
        return [
            (label, url)
            for label, url in [
                ("Facebook", self.facebook_url),
                ("X", self.x_url),
                ("Instagram", self.instagram_url),
                ("YouTube", self.youtube_url),
                ("LinkedIn", self.linkedin_url),
            ]
            if url
        ]

    @property
    def phone_href(self) -> str:
        return "tel:+" + "".join(ch for ch in self.phone if ch.isdigit()) if self.phone else ""
