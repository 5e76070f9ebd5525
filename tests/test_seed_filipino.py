"""The seed builds the Filipino tree: every English page has its Filipino translation, in
Filipino, with the same facts, and a story's Filipino version carries its own confirmation.

Tested through the models (locales, translation keys, live revisions): the /fil/ URLs are routed
elsewhere.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page, Revision

from donations.models import DonatePage
from pages.models import HomePage, StandardPage, StoryIndexPage, StoryPage
from pages.safeguarding import StoryConfirmation, missing_confirmations
from pages.seed import fact_sheet, fact_sheet_fil
from pages.seed.additions import SeedAddition
from pages.seed.loader import load_seed_content
from tests.conftest import publish_confirmed_story

pytestmark = pytest.mark.django_db

# Every proper name of the English fact sheet: organisations, programmes, places, people.
NAMES = [
    "IJM",
    "IJM Philippines",
    "OSEC",
    "CSEM",
    "United Nations and United States FBI",
    "UK National Crime Agency",
    "Department of Justice",
    "U.S.-Philippine Child Protection Compact",
    "Philippine Internet Crimes against Children Center (PICACC)",
    "Philippine National Police",
    "National Bureau of Investigation",
    "Australian Federal Police",
    "National Police of the Netherlands",
    "Center to End Online Sexual Exploitation of Children",
    "Philippine National Police - Women and Children Protection Center (PNP-WCPC)",
    "Advanced Investigative Workshop (AIW)",
    "Qualified Trafficking",
    "Assessment Center",
    "Lapu-Lapu City",
    "Cebu",
    "Aaron",
    "Captain America",
    "Stripe",
    "632 8 637 3983",
]
NUMBER = re.compile(r"\d+(?:[,.]\d+)*\+?")
# Words that carry almost every Filipino sentence and no English one.
FILIPINO_MARKERS = re.compile(r"\b(ang|ng|sa|mga|ni|si|na|at|para)\b")
# Fields that are a name in both languages, not prose.
SAME_IN_BOTH = {("homepage", "title"), ("homepage", "hero_kicker")}
PROSE_FIELDS = [
    "title",
    "seo_title",
    "search_description",
    "hero_kicker",
    "hero_heading",
    "hero_text",
    "intro",
    "summary",
    "pseudonym_note",
    "thank_you_text",
    "trust_heading",
    "trust_funds",
    "trust_receipts",
    "trust_card",
    "trust_stop_monthly",
    "monthly_invitation",
]


def filipino() -> Locale:
    return Locale.objects.get(language_code="fil")


def english_pages():
    return [
        page.specific
        for page in Page.objects.filter(depth__gte=2, locale__language_code="en").order_by("path")
    ]


def pairs():
    """(English page, its Filipino translation) for every English page."""
    return [(page, page.get_translation(filipino()).specific) for page in english_pages()]


def stored_text(value) -> list[str]:
    """The words and numbers inside a section as stored, without block ids or page links."""
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in ("id", "story") for t in stored_text(v)]
    if isinstance(value, list):
        return [text for item in value for text in stored_text(item)]
    return [str(value)]


def words(page) -> str:
    """Everything a reader of the page reads, as stored: its prose fields and its sections."""
    parts = [str(getattr(page, name, "") or "") for name in PROSE_FIELDS]
    if hasattr(page, "body"):
        parts += stored_text(list(page.body.raw_data))
    return "\n".join(parts)


def test_every_live_english_page_has_a_live_filipino_translation_and_nothing_else(seeded_site):
    english = english_pages()
    assert {page.slug for page in english} >= {"home", "stories", "aarons-story", "about"}
    assert {page.slug for page in english} >= {"privacy", "donate"}
    for page, translation in pairs():
        assert page.live and translation.live, page.slug
        assert translation.translation_key == page.translation_key
        assert type(translation) is type(page)
        assert not translation.has_unpublished_changes, page.slug
        if page.depth > 2:
            assert translation.get_parent().translation_key == page.get_parent().translation_key
            assert translation.slug == page.slug
    filipino_tree = Page.objects.filter(locale=filipino())
    assert filipino_tree.count() == len(english)
    fil_home = HomePage.objects.get(locale=filipino())
    assert fil_home.depth == 2
    assert filipino_tree.descendant_of(fil_home, inclusive=True).count() == len(english)


def test_the_filipino_story_is_published_with_its_own_confirmation(seeded_site):
    english = StoryPage.objects.get(locale__language_code="en")
    story = english.get_translation(filipino())
    assert story.live_revision_id != english.live_revision_id
    assert missing_confirmations(story.live_revision) == []
    confirmation = StoryConfirmation.objects.get(revision=story.live_revision)
    assert confirmation.consent_on_file and confirmation.no_identifying_detail
    assert story.live_revision.as_object().title == fact_sheet_fil.AARON["title"]
    # Each language's revision has its own confirmation, none carried over.
    assert StoryConfirmation.objects.filter(revision__object_id=str(story.pk)).count() == 1


def test_the_filipino_story_keeps_its_pseudonym_and_says_it_is_one(seeded_site):
    story = StoryPage.objects.get(locale=filipino())
    assert story.pseudonym_note == "*Hindi tunay na pangalan"
    assert story.pseudonym_note != StoryPage.pseudonym_note.field.default
    paragraphs = [block.value.source for block in story.body]
    assert paragraphs[0].startswith("<p>Si Aaron* ay")
    assert "Captain America" in paragraphs[-1]
    index = StoryIndexPage.objects.get(locale=filipino())
    assert "Hindi tunay na pangalan ang bawat pangalang ginamit" in index.intro


def test_the_filipino_home_features_the_filipino_story(seeded_site):
    fil_home = HomePage.objects.get(locale=filipino())
    featured = [block.value for block in fil_home.body if block.block_type == "featured_story"]
    assert [value["story"].specific for value in featured] == [
        StoryPage.objects.get(locale=filipino())
    ]
    assert featured[0]["link_text"] == "Basahin ang kuwento ni Aaron"
    english = [block.block_type for block in seeded_site.body]
    assert [block.block_type for block in fil_home.body] == english


def test_figures_sources_years_and_names_are_exactly_the_englishs(seeded_site):
    for page, translation in pairs():
        english_text, filipino_text = words(page), words(translation)
        assert sorted(set(NUMBER.findall(filipino_text))) == sorted(
            set(NUMBER.findall(english_text))
        ), page.slug
        for name in NAMES:
            if name in english_text:
                assert name in filipino_text, (page.slug, name)
    facts = next(
        b.value for b in HomePage.objects.get(locale=filipino()).body if b.block_type == "facts"
    )
    assert [(f["source"], f["year"]) for f in facts["facts"]] == [
        (f["source"], f["year"]) for f in fact_sheet.FACTS["facts"]
    ]
    assert fact_sheet_fil.HOPE["source"] == fact_sheet.HOPE["source"]
    assert fact_sheet_fil.HOPE["figure"] == fact_sheet.HOPE["figure"]
    milestones = [(m["year"]) for m in fact_sheet_fil.MILESTONES["milestones"]]
    assert milestones == [m["year"] for m in fact_sheet.MILESTONES["milestones"]]


def test_every_text_and_every_section_is_in_filipino_not_english(seeded_site):
    for page, translation in pairs():
        kind = type(page).__name__.lower()
        for name in PROSE_FIELDS:
            english = getattr(page, name, None)
            if not english or (kind, name) in SAME_IN_BOTH:
                continue
            text = getattr(translation, name)
            assert text and text != english, (page.slug, name)
        if not hasattr(page, "body"):
            continue
        english_blocks = page.body.raw_data
        filipino_blocks = translation.body.raw_data
        assert len(filipino_blocks) == len(english_blocks), page.slug
        for english, translated in zip(english_blocks, filipino_blocks, strict=True):
            assert translated["type"] == english["type"]
            assert translated["value"] != english["value"], (page.slug, english["type"])
            assert FILIPINO_MARKERS.search(str(translated["value"])), (page.slug, english["type"])


def test_the_filipino_donate_page_has_its_words_and_the_same_amounts(seeded_site):
    english = DonatePage.objects.get(locale__language_code="en")
    donate = english.get_translation(filipino())
    assert donate.title == "Mag-donate"
    assert donate.trust_heading == "Ligtas ang iyong donasyon"
    assert donate.thank_you_text == fact_sheet_fil.DONATE_PAGE["thank_you_text"]
    assert "632 8 637 3983" in donate.trust_stop_monthly

    def amounts(page):
        return sorted((p.currency, p.frequency, p.amount, p.is_default) for p in page.presets.all())

    assert amounts(donate) and amounts(donate) == amounts(english)
    assert (donate.php_minimum, donate.usd_minimum, donate.fee_percentage) == (
        english.php_minimum,
        english.usd_minimum,
        english.fee_percentage,
    )


def test_seeding_again_changes_nothing_in_either_language(seeded_site):
    counts = (Page.objects.count(), Revision.objects.count(), Locale.objects.count())
    latest = {p.pk: p.latest_revision_id for p in Page.objects.all()}
    assert load_seed_content().created == []
    out = StringIO()
    call_command("seed_content", "--if-empty", stdout=out)
    assert "nothing to seed" in out.getvalue()
    assert (Page.objects.count(), Revision.objects.count(), Locale.objects.count()) == counts
    assert {p.pk: p.latest_revision_id for p in Page.objects.all()} == latest


def test_an_editors_filipino_wording_is_never_overwritten(seeded_site):
    about = StandardPage.objects.get(locale=filipino(), slug="about")
    about.intro = "Ang sariling salita ng editor."
    about.save_revision().publish()
    story = StoryPage.objects.get(locale=filipino())
    story.summary = "Binago ng editor, hindi pa nai-publish."
    story.save_revision()

    load_seed_content()

    assert StandardPage.objects.get(pk=about.pk).intro == "Ang sariling salita ng editor."
    story = StoryPage.objects.get(pk=story.pk)
    assert (
        story.get_latest_revision_as_object().summary == "Binago ng editor, hindi pa nai-publish."
    )
    assert story.summary == fact_sheet_fil.AARON["summary"]


@pytest.fixture
def english_only_site(seeded_site):
    """A site seeded before Filipino existed: the English tree, its additions all recorded."""
    HomePage.objects.get(locale=filipino()).delete()
    SeedAddition.objects.filter(name__in=["filipino-tree", "filipino-donate-page"]).delete()
    assert not Page.objects.filter(locale=filipino()).exists()
    return seeded_site


def test_an_english_only_site_gets_the_filipino_tree_once_without_touching_english(
    english_only_site,
):
    english_revisions = {p.pk: p.latest_revision_id for p in english_pages()}
    out = StringIO()
    call_command("seed_content", "--if-empty", stdout=out)

    assert "Created Filipino home page 'IJM Philippines'" in out.getvalue()
    assert "Created Filipino page 'Mag-donate'" in out.getvalue()
    assert {p.pk: p.latest_revision_id for p in english_pages()} == english_revisions
    for page, translation in pairs():
        assert translation.live, page.slug
    story = StoryPage.objects.get(locale=filipino())
    assert missing_confirmations(story.live_revision) == []

    HomePage.objects.get(locale=filipino()).delete()  # staff remove it on purpose
    call_command("seed_content", "--if-empty", stdout=StringIO())
    assert not Page.objects.filter(locale=filipino()).exists()


def test_the_addition_skips_a_page_an_editor_already_translated(english_only_site):
    fil = Locale.objects.get(language_code="fil")
    fil_home = english_only_site.copy_for_translation(fil)
    fil_home.title = "Ang pahina ng editor"
    fil_home.save_revision().publish()
    about = StandardPage.objects.get(locale__language_code="en", slug="about")
    editors = about.copy_for_translation(fil)
    editors.intro = "Isinalin ng editor."
    editors.save_revision()

    call_command("seed_content", "--if-empty", stdout=StringIO())

    assert HomePage.objects.get(locale=fil).title == "Ang pahina ng editor"
    assert StandardPage.objects.get(pk=editors.pk).get_latest_revision_as_object().intro == (
        "Isinalin ng editor."
    )
    assert StandardPage.objects.filter(locale=fil, slug="about").count() == 1
    assert StoryPage.objects.get(locale=fil).live  # the rest is added under the editor's home
    assert StandardPage.objects.get(locale=fil, slug="privacy").live


def test_a_story_staff_changed_in_english_waits_as_an_unconfirmed_filipino_draft(
    english_only_site,
):
    story = StoryPage.objects.get(locale__language_code="en")
    story.body = [("paragraph", "<p>The editor removed a detail.</p>")]
    publish_confirmed_story(story)

    out = StringIO()
    call_command("seed_content", "--if-empty", stdout=out)

    translation = story.get_translation(filipino())
    assert not translation.live
    assert missing_confirmations(translation.get_latest_revision()) != []
    assert "for an editor to check and confirm" in out.getvalue()
    home = HomePage.objects.get(locale=filipino())
    assert "featured_story" not in [block.block_type for block in home.body]


def test_an_english_page_made_again_after_staff_deleted_it_gets_no_filipino_twin(seeded_site):
    StandardPage.objects.get(locale__language_code="en", slug="about").delete()
    load_seed_content()  # makes the English About page again, with a new translation key
    assert StandardPage.objects.filter(locale=filipino(), slug__startswith="about").count() == 1


def _served(page) -> str:
    """The page as its template renders it for a visitor, in its own language."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get(page.url or "/", HTTP_HOST="localhost")
    request.user = AnonymousUser()
    with translation.override(page.locale.language_code):
        response = page.serve(request)
        response.render()
    return response.content.decode()


def test_filipino_pages_show_the_filipino_tagline(seeded_site):
    for page in (HomePage.objects.get(locale=filipino()), StoryPage.objects.get(locale=filipino())):
        html = _served(page.specific)
        assert fact_sheet_fil.HOME["tagline"] in html
        assert fact_sheet.HOME["tagline"] not in html
    english = _served(StoryPage.objects.get(locale__language_code="en"))
    assert fact_sheet.HOME["tagline"] in english


def test_the_privacy_link_of_a_filipino_page_leads_to_the_filipino_notice(seeded_site):
    """Organisation details link one privacy page; each language's pages link its version."""
    from django.template import Context, Template

    from pages.settings import OrganisationSettings

    linked = OrganisationSettings.for_site(seeded_site.get_site()).privacy_page
    template = Template("{% load site_tags %}{% in_page_language target as p %}{{ p.title }}")
    for page, title in [
        (StoryPage.objects.get(locale=filipino()), fact_sheet_fil.PRIVACY["title"]),
        (StoryPage.objects.get(locale__language_code="en"), fact_sheet.PRIVACY["title"]),
    ]:
        assert template.render(Context({"page": page, "target": linked})) == title


def test_each_language_points_to_its_own_donate_page(seeded_site):
    """The story's ask and the menu's link find the visitor's language's donate page, and an
    unpublished English one is never replaced by the Filipino one."""
    from django.utils import translation

    from donations.templatetags.donation_tags import find_live_donate_page

    with translation.override("fil"):
        assert find_live_donate_page().title == fact_sheet_fil.DONATE_PAGE["title"]
    with translation.override("en"):
        assert find_live_donate_page().title == "Donate"
        DonatePage.objects.get(locale__language_code="en").unpublish()
        assert find_live_donate_page() is None
