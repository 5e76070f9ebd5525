"""The pages visitors read: home, stories and standard pages."""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from pages.admin_panels import StoryConfirmationPanel
from pages.blocks import BodyBlock, HomeSectionsBlock
from pages.images import SiteImage, SiteRendition  # noqa: F401  (models of this app)
from pages.safeguarding import (
    CONFIRMATION_HELP,
    StoryConfirmation,  # noqa: F401  (a model of this app)
    StoryPageForm,
    confirm_revision,
    ensure_publishable,
)
from pages.seed.additions import SeedAddition  # noqa: F401  (a model of this app)
from pages.settings import OrganisationSettings  # noqa: F401  (models of this app)
from pages.sharing import SharingMixin

IMAGE_NEEDS_DESCRIPTION = _(
    "This image has no description, which screen readers read out instead of the picture. "
    "Add one in Images (edit the image, fill in 'Description'), or choose another image."
)


def require_image_description(page, field_name: str) -> None:
    """Hero and story images use the image's description as their alt text: it must exist."""
    image = getattr(page, field_name)
    if image is not None and not (image.description or "").strip():
        raise ValidationError({field_name: IMAGE_NEEDS_DESCRIPTION})


class HomePage(SharingMixin, Page):
    hero_kicker = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("A short line above the title, e.g. 'IJM Philippines'."),
    )
    hero_heading = models.CharField(
        max_length=160, help_text=_("The big title visitors see first. Keep it short.")
    )
    hero_text = models.TextField(blank=True, help_text=_("One or two sentences under the title."))
    hero_image = models.ForeignKey(
        "pages.SiteImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional. Never a photo in which a child can be recognised."),
    )
    body = StreamField(
        HomeSectionsBlock(),
        blank=True,
        help_text=_("The sections of the home page. Add, remove and drag them into order."),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=255,
        blank=True,
        help_text=_(
            "One line shown in the footer of every page in this home page's language, under "
            "the organisation's name. Each language's home page has its own."
        ),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_kicker"),
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("body"),
        FieldPanel("tagline"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    main_image_field = "hero_image"

    class Meta:
        verbose_name = _("home page")

    def clean(self):
        super().clean()
        require_image_description(self, "hero_image")

    def get_meta_description(self) -> str:
        return self.search_description or self.hero_text


class StandardPage(SharingMixin, Page):
    intro = models.TextField(blank=True, help_text=_("A short summary shown under the title."))
    body = StreamField(
        BodyBlock(),
        blank=True,
        help_text=_("The page's text, pictures and quotes. Add, remove and drag them into order."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["pages.HomePage", "pages.StandardPage"]
    subpage_types = ["pages.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def get_meta_description(self) -> str:
        return self.search_description or self.intro


class StoryIndexPage(SharingMixin, Page):
    page_cache_query_params = ("page",)  # ijm_site/page_cache.py: the listing's page number
    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("A few words above the list of stories."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.StoryPage"]
    # One listing per language's home page (each language has its own tree).
    max_count_per_parent = 1
    stories_per_page = 12

    class Meta:
        verbose_name = _("story index page")

    def get_meta_description(self) -> str:
        return self.search_description or strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stories = (
            StoryPage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .order_by("-first_published_at", "-pk")
        )
        paginator = Paginator(stories, self.stories_per_page)
        try:
            page_of_stories = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            page_of_stories = paginator.page(1)
        context["stories"] = page_of_stories
        return context


class StoryPage(SharingMixin, Page):
    """A survivor's story. It only goes live once an editor has confirmed, for the very version
    being published, that consent is on file and that nothing in it identifies the survivor
    (see pages/safeguarding.py)."""

    pseudonym_note = models.CharField(
        max_length=120,
        default="*A pseudonym",
        help_text=(
            _(
                "Shown under the title of every story, e.g. '*A pseudonym'. The name used is never "
                "the survivor's real name. It can't be left empty."
            )
        ),
    )
    summary = models.TextField(
        help_text=_("One or two sentences used on the home page and in story listings.")
    )
    image = models.ForeignKey(
        "pages.SiteImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            _(
                "Optional. Never a photo in which the survivor, their family, home, school or "
                "street can be recognised. Give the image a description (alt text) in the image "
                "library."
            )
        ),
    )
    body = StreamField(BodyBlock(), help_text=_("The story, in paragraphs."))

    base_form_class = StoryPageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("pseudonym_note"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                StoryConfirmationPanel(heading=_("Confirmed so far")),
                FieldPanel("confirm_consent_on_file"),
                FieldPanel("confirm_no_identifying_detail"),
            ],
            heading=_("Safeguarding"),
            help_text=CONFIRMATION_HELP,
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["pages.StoryIndexPage"]
    subpage_types: list[str] = []
    main_image_field = "image"

    class Meta:
        verbose_name = _("story page")

    def get_meta_description(self) -> str:
        return self.search_description or self.summary

    def clean(self):
        super().clean()
        self.pseudonym_note = (self.pseudonym_note or "").strip()
        if not self.pseudonym_note:
            raise ValidationError(
                {
                    "pseudonym_note": _(
                        "Every story says its name is a pseudonym, e.g. '*A pseudonym'."
                    )
                }
            )
        require_image_description(self, "image")

    def save_revision(self, *args, **kwargs):
        """Keep a confirmation only with the exact content it was given for."""
        revision = super().save_revision(*args, **kwargs)
        pending = self.__dict__.pop("pending_story_confirmation", None)
        if kwargs.get("overwrite_revision") is not None or pending is not None:
            StoryConfirmation.objects.filter(revision=revision).delete()
        if pending is not None:
            confirm_revision(
                revision,
                pending.pop("user"),
                consent_on_file=pending["consent_on_file"],
                no_identifying_detail=pending["no_identifying_detail"],
            )
        return revision

    def publish(self, revision, *args, **kwargs):
        ensure_publishable(self, revision)
        return super().publish(revision, *args, **kwargs)

    def save(self, *args, **kwargs):
        if self._state.adding and self.live:
            # A new story (a copy too) starts as a draft: it goes live only through publishing.
            self.live = False
            self.live_revision = None
            self.has_unpublished_changes = True
        if self._goes_live_with_new_revision(kwargs.get("update_fields")):
            ensure_publishable(self, self._revision_going_live())
        return super().save(*args, **kwargs)

    def _revision_going_live(self):
        """An alias shows its source's live version, so that is the one that must be confirmed."""
        if self.alias_of_id:
            source = StoryPage.objects.filter(pk=self.alias_of_id).select_related("live_revision")
            return getattr(source.first(), "live_revision", None)
        return self.live_revision

    def _goes_live_with_new_revision(self, update_fields) -> bool:
        """True when this save would make a (new) version of the story visible to the public."""
        if not self.live:
            return False
        if update_fields is not None and not {"live", "live_revision"} & set(update_fields):
            return False
        if self._state.adding or self.pk is None:
            return True
        before = type(self).objects.filter(pk=self.pk).values("live", "live_revision_id").first()
        return before is None or not (
            before["live"] and before["live_revision_id"] == self.live_revision_id
        )
