"""The pages visitors read: home, stories and standard pages."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from pages.blocks import BodyBlock, HomeSectionsBlock
from pages.images import SiteImage, SiteRendition  # noqa: F401  (models of this app)
from pages.settings import OrganisationSettings  # noqa: F401  (models of this app)


class HomePage(Page):
    hero_kicker = models.CharField(
        max_length=60, blank=True, help_text="A short line above the title, e.g. 'IJM Philippines'."
    )
    hero_heading = models.CharField(
        max_length=160, help_text="The big title visitors see first. Keep it short."
    )
    hero_text = models.TextField(blank=True, help_text="One or two sentences under the title.")
    hero_image = models.ForeignKey(
        "pages.SiteImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional. Never a photo in which a child can be recognised.",
    )
    body = StreamField(
        HomeSectionsBlock(),
        blank=True,
        help_text="The sections of the home page. Add, remove and drag them into order.",
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
            heading="Hero",
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"


class StandardPage(Page):
    intro = models.TextField(blank=True, help_text="A short summary shown under the title.")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["pages.HomePage", "pages.StandardPage"]
    subpage_types = ["pages.StandardPage"]

    class Meta:
        verbose_name = "standard page"


class StoryIndexPage(Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.StoryPage"]
    max_count = 1
    stories_per_page = 12

    class Meta:
        verbose_name = "story index page"

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


class StoryPage(Page):
    pseudonym_note = models.CharField(
        max_length=120,
        default="*A pseudonym",
        help_text="Shown with every story: the name used is never the survivor's real name.",
    )
    summary = models.TextField(
        help_text="One or two sentences used on the home page and in story listings."
    )
    image = models.ForeignKey(
        "pages.SiteImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional. Never a photo in which the survivor or a place can be recognised.",
    )
    body = StreamField(BodyBlock(), help_text="The story, in paragraphs.")

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("pseudonym_note"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["pages.StoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "story page"
