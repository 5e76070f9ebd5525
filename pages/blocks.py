"""StreamField blocks for the site's sections.

Every block carries an icon, a template, a description and a preview value, so editors see a
live preview in the block picker. Sections are grouped in the picker by what they are for.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageBlock

SECTIONS = "Sections"
CONTENT = "Content"

PREVIEW_RICH_TEXT = (
    "<p>Filipino children are vulnerable to this fast-growing trafficking crime, with infants "
    "as young as two months old at risk.</p>"
)


def add_button_label(label) -> dict:
    """Attributes for a ListBlock whose '+' buttons should say what they add.

    Wagtail's list add-button is an icon titled 'Add'; static/js/admin_list_labels.js reads this
    attribute on the list's container and writes the words onto its buttons.
    """
    return {"data-add-label": label}


class HeadingBlock(blocks.CharBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 120)
        super().__init__(**kwargs)


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", ["bold", "italic", "link", "ol", "ul"])
        kwargs.setdefault("icon", "pilcrow")
        kwargs.setdefault("template", "blocks/paragraph.html")
        kwargs.setdefault(
            "description", _("A paragraph of text with bold, italic, links and lists.")
        )
        kwargs.setdefault("preview_value", PREVIEW_RICH_TEXT)
        super().__init__(**kwargs)


class TextSectionBlock(blocks.StructBlock):
    heading = HeadingBlock(required=False, help_text=_("Optional. Shown as the section's title."))
    text = ParagraphBlock(features=["bold", "italic", "link", "ol", "ul", "h3"])

    class Meta:
        icon = "doc-full"
        template = "blocks/text_section.html"
        label = _("Text section")
        group = CONTENT
        description = _("A titled section of free text, such as the mission statement.")
        preview_value = {
            "heading": "Our mission",
            "text": "<p>IJM works with the Philippine government, international law enforcement, "
            "and relevant stakeholders to combat the trafficking of Filipino children.</p>",
        }


class ProblemBlock(blocks.StructBlock):
    kicker = blocks.CharBlock(
        max_length=60,
        required=False,
        help_text=_("A short label above the title, e.g. 'The problem'."),
    )
    heading = HeadingBlock(help_text=_("The section's title, e.g. the name of the crime."))
    text = ParagraphBlock(
        help_text=_("Explain the problem in plain words, a few short paragraphs.")
    )

    class Meta:
        icon = "warning"
        template = "blocks/problem.html"
        label = _("The problem")
        group = SECTIONS
        description = _("Explains the crime: what it is and who it harms.")
        preview_value = {
            "kicker": "The problem",
            "heading": "Online sexual exploitation of children (OSEC)",
            "text": PREVIEW_RICH_TEXT,
        }


PILLAR_PREVIEW = {
    "title": "Law enforcement",
    "text": "IJM provides support to law enforcement agencies in the investigation of "
    "suspects and in rescue operations.",
}
FACT_PREVIEW = {
    "figure": "750,000",
    "qualifier": "estimated",
    "label": "child sex predators online at any given time",
    "source": "United Nations and United States FBI",
    "year": 2011,
}
MILESTONE_PREVIEW = {
    "year": 2011,
    "text": "<p>IJM responds to the <b>first reported cases of online sexual "
    "exploitation of children.</b></p>",
}


PILLAR_ILLUSTRATIONS = [
    ("shield", _("Shield (law enforcement)")),
    ("scales", _("Scales of justice (prosecution)")),
    ("heart", _("Caring hands (aftercare)")),
]


class PillarBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=60, help_text=_("e.g. 'Law enforcement'."))
    text = blocks.TextBlock(help_text=_("One or two sentences on what IJM does here."))
    illustration = blocks.ChoiceBlock(
        choices=PILLAR_ILLUSTRATIONS,
        required=False,
        label=_("Illustration"),
        help_text=_(
            "The drawing above the pillar. Left empty, the pillars take the shield, the scales "
            "and the caring hands in turn."
        ),
    )

    class Meta:
        icon = "tick-inverse"
        template = "blocks/pillar.html"
        label = _("Pillar")
        description = _("One part of the response.")
        preview_value = PILLAR_PREVIEW


class PillarsBlock(blocks.StructBlock):
    kicker = blocks.CharBlock(max_length=60, required=False, help_text=_("e.g. 'The response'."))
    heading = HeadingBlock(help_text=_("The section's title."))
    pillars = blocks.ListBlock(
        PillarBlock(),
        min_num=1,
        max_num=6,
        collapsed=True,
        form_attrs=add_button_label(_("Add pillar")),
        help_text=_("One to six pillars."),
    )

    class Meta:
        icon = "list-ul"
        template = "blocks/pillars.html"
        label = _("The response (pillars)")
        group = SECTIONS
        description = _("The pillars of the response: law enforcement, prosecution, aftercare.")
        preview_value = {
            "kicker": "The response",
            "heading": "IJM works with the Philippine government against this crime",
            "pillars": [
                PILLAR_PREVIEW,
                {
                    "title": "Prosecution",
                    "text": "IJM supports child-protective prosecution in its casework.",
                },
                {
                    "title": "Aftercare",
                    "text": "Partnering with social services, IJM supports the care of each "
                    "survivor.",
                },
            ],
        }


FACT_NEEDS_SOURCE = _(
    "Say who published this figure, e.g. 'UK National Crime Agency'. "
    "A figure is never shown without its source."
)
FACT_NEEDS_YEAR = _("Give the year of the figure, e.g. 2021. A figure is never shown without it.")


class FactBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=40, help_text=_("The number itself, e.g. '750,000'."))
    label = blocks.TextBlock(help_text=_("What the number counts, in a short sentence."))
    source = blocks.CharBlock(
        max_length=200,
        help_text=_("Who published the figure, e.g. 'UK National Crime Agency'. Required."),
    )
    year = blocks.IntegerBlock(
        min_value=1900, max_value=2100, help_text=_("The year of the figure, e.g. 2021. Required.")
    )
    qualifier = blocks.CharBlock(
        max_length=40,
        required=False,
        label=_("Qualifier"),
        help_text=_(
            "Shown with the figure when it is not an exact count, e.g. 'estimated'. Keep the "
            "source's own word: an estimate must never read as a count."
        ),
    )

    class Meta:
        icon = "info-circle"
        template = "blocks/fact.html"
        label = _("Fact")
        description = _("A figure with its label, its source and its year.")
        preview_value = FACT_PREVIEW

    def clean(self, value):
        """Source and year first, in words an editor understands, then the usual checks."""
        errors = {}
        if not str(value.get("source") or "").strip():
            errors["source"] = ValidationError(FACT_NEEDS_SOURCE)
        if value.get("year") in (None, ""):
            errors["year"] = ValidationError(FACT_NEEDS_YEAR)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return super().clean(value)


class FactsBlock(blocks.StructBlock):
    kicker = blocks.CharBlock(max_length=60, required=False, help_text=_("e.g. 'The facts'."))
    heading = HeadingBlock(help_text=_("The section's title, e.g. 'A global hotspot'."))
    text = ParagraphBlock(required=False, help_text=_("Optional statements before the figures."))
    facts = blocks.ListBlock(
        FactBlock(),
        min_num=1,
        max_num=8,
        collapsed=True,
        form_attrs=add_button_label(_("Add fact")),
        help_text=_("One to eight figures, each with its source."),
    )

    class Meta:
        icon = "table"
        template = "blocks/facts.html"
        label = _("The facts")
        group = SECTIONS
        description = _("Key figures, each with its source and year.")
        preview_value = {
            "kicker": "The facts",
            "heading": "A global hotspot",
            "text": "<p>The Philippines is a global hotspot for OSEC.</p>",
            "facts": [FACT_PREVIEW],
        }


class FeaturedStoryBlock(blocks.StructBlock):
    kicker = blocks.CharBlock(
        max_length=60, required=False, help_text=_("e.g. 'A survivor's story'.")
    )
    story = blocks.PageChooserBlock(
        page_type="pages.StoryPage", help_text=_("The story to feature.")
    )
    link_text = blocks.CharBlock(
        max_length=60, default="Read the story", help_text=_("The words of the link to the story.")
    )

    class Meta:
        icon = "user"
        template = "blocks/featured_story.html"
        label = _("Featured story")
        group = SECTIONS
        description = _("Shows one survivor's story with a link to read it in full.")

    def get_preview_value(self):
        from pages.models import StoryPage

        story = StoryPage.objects.live().public().first()
        return {"kicker": "A survivor's story", "story": story, "link_text": "Read the story"}


class MilestoneBlock(blocks.StructBlock):
    year = blocks.IntegerBlock(min_value=1900, max_value=2100, help_text=_("e.g. 2016."))
    text = ParagraphBlock(
        features=["bold", "italic", "link"], help_text=_("What happened that year, in a sentence.")
    )

    class Meta:
        icon = "date"
        template = "blocks/milestone.html"
        label = _("Milestone")
        description = _("One year on the timeline.")
        preview_value = MILESTONE_PREVIEW


class MilestonesBlock(blocks.StructBlock):
    kicker = blocks.CharBlock(
        max_length=60, required=False, help_text=_("Optional short label above the title.")
    )
    heading = HeadingBlock(help_text=_("The section's title, e.g. 'Milestones'."))
    milestones = blocks.ListBlock(
        MilestoneBlock(),
        min_num=1,
        collapsed=True,
        form_attrs=add_button_label(_("Add milestone")),
        help_text=_("One entry per year, oldest first."),
    )

    class Meta:
        icon = "history"
        template = "blocks/milestones.html"
        label = _("Milestones timeline")
        group = SECTIONS
        description = _("A timeline of years and what happened in each.")
        preview_value = {
            "heading": "Milestones",
            "milestones": [
                MILESTONE_PREVIEW,
                {
                    "year": 2016,
                    "text": "<p>IJM <b>fully focused its resources on battling OSEC</b>.</p>",
                },
            ],
        }


class DonateCallToActionBlock(blocks.StructBlock):
    heading = HeadingBlock(help_text=_("e.g. 'Help bring children to safety'."))
    text = blocks.TextBlock(
        required=False, help_text=_("Optional. One sentence on what a gift does.")
    )
    page = blocks.PageChooserBlock(
        required=False, help_text=_("The donate page. Leave empty to use the site's donate page.")
    )
    button_text = blocks.CharBlock(
        max_length=40,
        default="Donate",
        help_text=_("The words on the button. Keep 'Donate' in it."),
    )

    class Meta:
        icon = "pick"
        template = "blocks/donate_cta.html"
        label = _("Donate call to action")
        group = SECTIONS
        description = _("Invites visitors to give, with a large Donate button.")
        preview_value = {
            "heading": "Help bring children to safety",
            "text": "Your gift supports rescue, prosecution and aftercare.",
            "button_text": "Donate",
        }


class HopeBlock(blocks.StructBlock):
    """The figure that shows change is possible, given a place of its own.

    Put the donate call to action right after it: the seed does, so hope leads into the ask.
    """

    kicker = blocks.CharBlock(
        max_length=60, required=False, label=_("Kicker"), help_text=_("e.g. 'Since 2011'.")
    )
    figure = blocks.CharBlock(
        max_length=40, label=_("Figure"), help_text=_("The number itself, e.g. '1,000+'.")
    )
    label = blocks.TextBlock(
        label=_("What the figure counts"),
        help_text=_("e.g. 'survivors and at-risk children brought to safety'."),
    )
    source = blocks.CharBlock(
        max_length=200,
        required=False,
        label=_("Source"),
        help_text=_("Optional. Where the figure comes from, and its year, e.g. 'IJM, 2022'."),
    )

    class Meta:
        icon = "success"
        template = "blocks/hope.html"
        label = _("Hope figure")
        group = SECTIONS
        description = _("One figure that shows change is possible, shown large and illustrated.")
        preview_value = {
            "kicker": "Since 2011",
            "figure": "1,000+",
            "label": "survivors and at-risk children brought to safety in IJM-supported operations",
            "source": "IJM Philippines, 2022",
        }


class ContactBlock(blocks.StructBlock):
    heading = HeadingBlock(default="Contact us", help_text=_("The section's title."))
    text = blocks.TextBlock(
        required=False,
        help_text=_(
            "Optional sentence above the details. The details themselves come from "
            "Settings → Organisation details."
        ),
    )

    class Meta:
        icon = "mail"
        template = "blocks/contact.html"
        label = _("Contact details")
        group = SECTIONS
        description = _(
            "The organisation's address, phone, fax, web address and email, taken from the "
            "site settings, so they are edited in one place."
        )
        preview_value = {"heading": "Contact us", "text": "We would love to hear from you."}


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(help_text=_("The words quoted, without quotation marks."))
    attribution = blocks.CharBlock(
        max_length=120,
        required=False,
        help_text=_(
            "Optional. Who said it. For a survivor, only their pseudonym, never a real name."
        ),
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"
        label = _("Quote")
        group = CONTENT
        description = _("A quotation set apart from the text.")
        preview_value = {
            "quote": "Today, he feels the happiest while playing and the safest at home.",
            "attribution": "",
        }


class ContentImageBlock(ImageBlock):
    """Wagtail's image block: alt text is required unless the image is marked decorative."""

    def __init__(self, **kwargs):
        kwargs.setdefault("icon", "image")
        kwargs.setdefault("template", "blocks/image.html")
        kwargs.setdefault("group", CONTENT)
        kwargs.setdefault("description", _("A photo with alt text (or marked decorative)."))
        super().__init__(**kwargs)

    def get_preview_value(self):
        from wagtail.images import get_image_model

        image = get_image_model().objects.order_by("-created_at").first()
        if image is None:
            return None
        return self.to_python(image.pk)


class HomeSectionsBlock(blocks.StreamBlock):
    problem = ProblemBlock()
    pillars = PillarsBlock()
    facts = FactsBlock()
    featured_story = FeaturedStoryBlock()
    milestones = MilestonesBlock()
    hope = HopeBlock()
    donate = DonateCallToActionBlock()
    contact = ContactBlock()
    text_section = TextSectionBlock()

    class Meta:
        # The home page has many long sections: they open folded so the form stays short.
        collapsed = True


class BodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock(group=CONTENT, features=["bold", "italic", "link", "ol", "ul", "h3"])
    image = ContentImageBlock()
    quote = QuoteBlock()
    text_section = TextSectionBlock()
